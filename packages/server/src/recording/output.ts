import type { Clock } from '../common/clock';
import type { CaptureRequest } from '../domain';
import { RECORDING_OUTPUT, type CaptureOutput } from './capture';
import type { RecordingStorage } from './storage';
import type { RecordingStore } from './store';

export interface RecordingOutputParts {
  storage: RecordingStorage;
  /** The store's name (its media region's, or `default`), kept with the recording. */
  storeName: string;
  recordings: RecordingStore;
  clock: Clock;
  meeting: { name: string; ownerId: string };
}

/**
 * Where a recording's packed media goes (REC-STORE): sealed into the store as it comes, listed as
 * `recording` from the start, `ready` with its size once final, `failed` (and its chunks gone) when
 * the capture failed.
 */
export async function recordingOutput(
  id: string,
  request: CaptureRequest,
  { storage, storeName, recordings, clock, meeting }: RecordingOutputParts,
): Promise<CaptureOutput> {
  await recordings.add({
    id,
    organisationId: request.organisationId,
    meetingId: request.meetingId,
    meetingName: meeting.name,
    ownerId: meeting.ownerId,
    startedById: request.startedBy.userId,
    startedByName: request.startedBy.displayName,
    startedAt: clock.now().toISOString(),
    endedAt: null,
    status: 'recording',
    size: 0,
    store: storeName,
    visibility: 'owner',
    linkHash: null,
  });
  const writer = storage.createWriter(request.organisationId, id);
  return {
    packing: RECORDING_OUTPUT,
    write: (bytes) => writer.write(bytes),
    async finish() {
      await writer.finish();
      await recordings.end(id, 'ready', clock.now().toISOString(), writer.bytesWritten);
    },
    async abort() {
      await writer.abort();
      await recordings.end(id, 'failed', clock.now().toISOString(), 0);
    },
  };
}
