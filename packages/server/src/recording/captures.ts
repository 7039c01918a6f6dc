import { existsSync } from 'node:fs';
import type { Config } from '../config';
import type { Services } from '../services';
import { EgressCaptures } from './capture';
import { recordingOutput } from './output';

/**
 * This node's recordings and live streams (REC-START, REC-STORE, STREAM-LIVE): a recorder for each,
 * a recording sealed into the store of the meeting's region, a stream served by this node. Null where the recorder's browser or ffmpeg is missing: then
 * recording is unavailable here, and the room says so.
 */
export function meetingCaptures(config: Config, services: Services): EgressCaptures | null {
  const storages = services.recordingStorages;
  const { browser, ffmpeg } = config.recording;
  if (!existsSync(browser) || !existsSync(ffmpeg)) return null;
  return new EgressCaptures({
    publicUrl: config.publicUrl,
    browser,
    ffmpeg,
    clock: services.clock,
    async output(request, id) {
      if (request.purpose === 'stream')
        return services.liveStreams.open(request.meetingId, request.organisationId);
      const meeting = await services.meetingStore.findMeeting(request.meetingId);
      if (!meeting) throw new Error('The meeting is gone');
      const storeName = storages.nameFor(request.region);
      const storage = storages.of(storeName);
      if (!storage) throw new Error(`No recording store named ${storeName}`);
      return recordingOutput(id, request, {
        storage,
        storeName,
        recordings: services.recordings,
        clock: services.clock,
        meeting,
      });
    },
  });
}
