import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { galleryLayout } from './layout';

const GAP = 12;

/** Fits its tiles into the available space; `children` receives each tile's size. */
export function Gallery({
  count,
  children,
}: {
  count: number;
  children: (size: { width: number; height: number }) => ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setBox({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // Landscape stages use widescreen tiles; on a portrait (phone) stage squarer tiles use the space better.
  const aspect = box.width >= box.height ? 16 / 9 : [16 / 9, 4 / 3, 1];
  const layout = galleryLayout(count, box.width, box.height, { gap: GAP, aspect });
  return (
    <div ref={ref} className="gallery" data-columns={layout.columns} style={{ gap: GAP, maxWidth: '100%' }}>
      <div
        className="gallery-inner"
        style={{ gap: GAP, width: layout.columns * layout.tileWidth + (layout.columns - 1) * GAP }}
      >
        {box.width > 0 && children({ width: layout.tileWidth, height: layout.tileHeight })}
      </div>
    </div>
  );
}
