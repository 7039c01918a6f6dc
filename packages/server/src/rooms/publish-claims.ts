import type { ClientMessageOf, TrackSource } from '@conclave/protocol';
import { AppError } from '../common/errors';
import { checkClaimedTracks } from '../media/sdp';

const SOURCE_KIND: Record<TrackSource, 'audio' | 'video'> = {
  microphone: 'audio',
  camera: 'video',
  screen: 'video',
};

/** The client's claims about its offer must match the offer: each source once, each mid of its kind. */
export function validateTracks(sdp: string, tracks: ClientMessageOf<'publish'>['tracks']): void {
  const seen = new Set<TrackSource>();
  for (const [i, t] of tracks.entries()) {
    if (seen.has(t.source)) {
      throw new AppError(
        400,
        'validation_failed',
        `tracks: ${t.source} is listed twice`,
        `tracks.${i}.source`,
      );
    }
    seen.add(t.source);
  }
  const claims = tracks.map((t) => ({ mid: t.mid, kind: SOURCE_KIND[t.source], name: t.source }));
  const problem = checkClaimedTracks(sdp, claims);
  if (problem) throw new AppError(400, 'validation_failed', problem.message, problem.field);
}
