import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { stageLayout, type ChosenLayout, type LayoutMode, type Size, type StageTile } from './stageLayout';

const GAP = 12;

/** Where a tile sits: the big one, the strip beside it, or the gallery. */
export type TilePlace = 'main' | 'strip' | 'gallery';

/**
 * Arranges the stage's tiles as `stageLayout` says, in the space it has (MEET-LAYOUT). `extra` is
 * one more gallery tile after the others (the invitation while alone), shown only in the gallery.
 */
export function StageView({
  mode,
  tiles,
  presentations,
  pinned,
  activeSpeaker,
  renderTile,
  extra,
}: {
  mode: ChosenLayout;
  tiles: readonly StageTile[];
  presentations: readonly StageTile[];
  pinned: string | null;
  activeSpeaker: string | null;
  renderTile: (tile: StageTile, size: Size, place: TilePlace) => ReactNode;
  extra?: (size: Size) => ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState<Size>({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setBox({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const withExtra = extra ? [...tiles, { key: 'extra', participantId: '', kind: 'camera' as const }] : tiles;
  const layout = stageLayout({
    // The invitation while alone is a gallery tile.
    mode: extra ? 'gallery' : mode,
    tiles: withExtra,
    presentations,
    pinned,
    activeSpeaker,
    box,
    gap: GAP,
  });
  const shown: LayoutMode = layout.main ? layout.mode : 'gallery';
  const render = (tile: StageTile, size: Size, place: TilePlace) =>
    tile.key === 'extra' && extra ? <div key="extra">{extra(size)}</div> : renderTile(tile, size, place);

  return (
    <div ref={ref} className={`stage-view stage-view-${shown}`} data-layout={layout.mode}>
      {box.width > 0 &&
        (layout.main ? (
          <>
            <div className="stage-main-tile">{render(layout.main.tile, layout.main.size, 'main')}</div>
            <div className="stage-strip" role="list" aria-label="Others">
              {layout.others.map((tile) => (
                <div role="listitem" key={tile.key}>
                  {render(tile, layout.size, 'strip')}
                </div>
              ))}
            </div>
          </>
        ) : (
          <div
            className="gallery-inner"
            data-columns={layout.columns}
            style={{ gap: GAP, width: layout.columns * layout.size.width + (layout.columns - 1) * GAP }}
          >
            {layout.others.map((tile) => render(tile, layout.size, 'gallery'))}
          </div>
        ))}
    </div>
  );
}
