import type { ConnectionQuality } from '@conclave/client';
import { SignalIcon } from '../ui/icons';

const BARS: Record<Exclude<ConnectionQuality, 'unknown'>, number> = {
  excellent: 4,
  good: 3,
  poor: 1,
  lost: 0,
};

/**
 * A tile's network-quality indicator (MEET-QUALITY): bars, named "Connection: good" and so on for
 * screen readers and as a tooltip. Nothing while there is nothing to judge.
 */
export function ConnectionIndicator({ quality }: { quality: ConnectionQuality }) {
  if (quality === 'unknown') return null;
  const label = `Connection: ${quality}`;
  return (
    <span
      className={`indicator indicator-connection indicator-connection-${quality}`}
      role="img"
      aria-label={label}
      title={label}
      data-quality={quality}
    >
      <SignalIcon size={14} bars={BARS[quality]} />
    </span>
  );
}
