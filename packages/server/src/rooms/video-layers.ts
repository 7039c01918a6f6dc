import type { ClientMessageOf } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { LayerChoice, SubscribedStream } from '../media/subscribed-streams';

/**
 * Checks a participant's layer choices against its own subscription: each mid once, each one a
 * video section it currently receives. Anything else is refused whole (nothing is configured).
 */
export function checkLayerChoices(
  layers: ClientMessageOf<'setVideoLayers'>['layers'],
  streams: readonly SubscribedStream[],
): LayerChoice[] {
  const video = new Set(streams.filter((s) => s.type === 'video').map((s) => s.mid));
  const seen = new Set<string>();
  for (const [i, l] of layers.entries()) {
    if (seen.has(l.mid)) {
      throw new AppError(400, 'validation_failed', `layers: ${l.mid} is listed twice`, `layers.${i}.mid`);
    }
    seen.add(l.mid);
    if (!video.has(l.mid)) {
      throw new AppError(
        404,
        'unknown_stream',
        `layers: your subscription has no video section ${l.mid}`,
        `layers.${i}.mid`,
      );
    }
  }
  return layers.map((l) => ({ mid: l.mid, substream: l.substream, temporal: l.temporal }));
}
