import { existsSync } from 'node:fs';
import type { Config } from '../config';
import type { Services } from '../services';
import { EgressCaptures } from './capture';
import { recordingOutput } from './output';
import { createObjectStore, RecordingStorage } from './storage';

/** The store of the media regions that have none of their own. */
const DEFAULT_STORE = 'default';

/**
 * This node's recordings (REC-START, REC-STORE): a recorder per recording, its output sealed into the
 * store of the meeting's region (`default` for the others). Null where the recorder's browser or
 * ffmpeg is missing: then recording is unavailable here, and the room says so.
 */
export function meetingCaptures(config: Config, services: Services): EgressCaptures | null {
  const { browser, ffmpeg, stores } = config.recording;
  if (!existsSync(browser) || !existsSync(ffmpeg)) return null;
  const storages = new Map<string, RecordingStorage>();
  const storageOf = (name: string) => {
    let storage = storages.get(name);
    const setting = stores[name];
    if (!storage && setting) {
      storage = new RecordingStorage({
        store: createObjectStore(setting, services.clock),
        vault: services.vault,
      });
      storages.set(name, storage);
    }
    return storage;
  };
  return new EgressCaptures({
    publicUrl: config.publicUrl,
    browser,
    ffmpeg,
    clock: services.clock,
    async output(request, id) {
      const meeting = await services.meetingStore.findMeeting(request.meetingId);
      if (!meeting) throw new Error('The meeting is gone');
      const storeName =
        request.region !== undefined && stores[request.region] ? request.region : DEFAULT_STORE;
      const storage = storageOf(storeName);
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
