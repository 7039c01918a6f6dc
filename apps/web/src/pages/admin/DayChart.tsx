import type { UsageDay } from '@conclave/protocol';
import { useEffect, useRef, useState } from 'react';
import type { DayChartKind } from './drawDayChart';

/**
 * A chart of a usage report's days. chart.js is loaded with it, so only those who open the reports
 * download it. The canvas is an image named by `label`; the numbers themselves are in the table
 * that goes with it, for screen readers and for anyone else.
 */
export function DayChart({
  days,
  kind,
  label,
}: {
  days: readonly UsageDay[];
  kind: DayChartKind;
  label: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const target = canvas.current;
    if (!target) return;
    let cancelled = false;
    let chart: { destroy(): void } | null = null;
    // Never fails: a chart that cannot load says so, and the table still has the numbers.
    void import('./drawDayChart').then(
      ({ drawDayChart }) => {
        if (!cancelled) chart = drawDayChart(target, days, kind);
      },
      () => !cancelled && setFailed(true),
    );
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [days, kind]);

  if (failed) return <p className="muted">The chart could not be loaded; the table has its numbers.</p>;
  return (
    <div className="usage-chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
