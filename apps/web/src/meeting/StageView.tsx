import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { MoreTile, PageControls } from './PageControls';
import {
  stageLayout,
  type ChosenLayout,
  type LayoutMode,
  type Paging,
  type Size,
  type StageTile,
} from './stageLayout';

const GAP = 12;

/** Where a tile sits: the big one, the strip beside it, or the gallery. */
export type TilePlace = 'main' | 'strip' | 'gallery';

/**
 * Arranges the stage's tiles as `stageLayout` says, in the space it has (MEET-LAYOUT), a page at a
 * time in a large meeting, with the page controls under it. Only the page's tiles are mounted, so
 * only their videos are received (MEET-QUALITY). `extra` is one more gallery tile after the others
 * (the invitation while alone), shown only in the gallery.
 */
export function StageView({
  mode,
  tiles,
  presentations,
  pinned,
  activeSpeaker,
  speakers,
  self,
  page,
  onPage,
  onPaging,
  renderTile,
  extra,
}: {
  mode: ChosenLayout;
  tiles: readonly StageTile[];
  presentations: readonly StageTile[];
  pinned: string | null;
  activeSpeaker: string | null;
  /** The latest speakers: on every page. */
  speakers: readonly string[];
  /** This client's participant id: its tile is on every page. */
  self: string;
  page: number;
  onPage: (page: number) => void;
  /** Told the page shown and the pages there are, whenever they change. */
  onPaging: (paging: Paging) => void;
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
    speakers,
    self,
    page,
    box,
    gap: GAP,
  });
  const { paging } = layout;
  const measured = box.width > 0;
  const { page: shownPage, pages, more: moreCount } = paging;
  // Until measured, the page is not known: a page asked for must not be clamped by an empty stage.
  useEffect(() => {
    if (measured) onPaging({ page: shownPage, pages, more: moreCount });
  }, [measured, shownPage, pages, moreCount, onPaging]);
  const shown: LayoutMode = layout.main ? layout.mode : 'gallery';
  const render = (tile: StageTile, size: Size, place: TilePlace) =>
    tile.key === 'extra' && extra ? <div key="extra">{extra(size)}</div> : renderTile(tile, size, place);

  const more = moreCount > 0 && (
    <MoreTile more={paging.more} size={layout.size} onNext={() => onPage(paging.page + 1)} />
  );

  return (
    <div className="stage-paged">
      <div ref={ref} className={`stage-view stage-view-${shown}`} data-layout={layout.mode}>
        {measured &&
          (layout.main ? (
            <>
              <div className="stage-main-tile">{render(layout.main.tile, layout.main.size, 'main')}</div>
              <div className="stage-strip" role="list" aria-label="Others">
                {layout.others.map((tile) => (
                  <div role="listitem" key={tile.key}>
                    {render(tile, layout.size, 'strip')}
                  </div>
                ))}
                {moreCount > 0 && <div role="listitem">{more}</div>}
              </div>
            </>
          ) : (
            <div
              className="gallery-inner"
              data-columns={layout.columns}
              style={{ gap: GAP, width: layout.columns * layout.size.width + (layout.columns - 1) * GAP }}
            >
              {layout.others.map((tile) => render(tile, layout.size, 'gallery'))}
              {more}
            </div>
          ))}
      </div>
      {measured && <PageControls paging={paging} onPage={onPage} />}
    </div>
  );
}
