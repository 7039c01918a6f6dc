/**
 * The E2EE media worker (a module worker; E2eeMedia starts it): every encoded frame of a protected
 * sender or receiver passes through here, whether the browser hands the streams over with
 * RTCRtpScriptTransform (an `rtctransform` event) or the page transfers them from
 * createEncodedStreams (a `streams` message). The keys never leave this worker.
 *
 * Key frame requests (PLI, FIR) are RTCP, which no transform sees, so they work as without E2EE.
 * A receiver that drops a sender's frames for a while (no key yet, or the wrong one) and then
 * decrypts them needs no help either: its decoder, left without a key frame, keeps asking the
 * sender for one until one decrypts (test/e2e/e2ee-frame.test.ts, the receiver given its keys late).
 * While it waits, Chromium hands the transform the same undecodable first frame again and again (16
 * times in one run); the replay window drops the repeats, so the start of a stream usually counts a
 * few `replayed` drops that lose nothing.
 */
import type { FromWorker, ToWorker, TransformOptions } from './messages';
import { frameTransform, type EncodedFrame } from './transforms';
import { WorkerKeys } from './worker-keys';

/** The parts of the worker's global scope used here (the client compiles against the DOM library). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  onrtctransform: ((event: { transformer: ScriptTransformer }) => void) | null;
  postMessage(message: FromWorker): void;
}

/** RTCRtpScriptTransformer: the streams of one sender or receiver, and the page's options for it. */
interface ScriptTransformer {
  readonly options: TransformOptions;
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
}

/** How often the page hears the counts, when they changed. */
const STATS_INTERVAL_MS = 1_000;

const scope = self as unknown as WorkerScope;
// Posted at once, not with the counts: it times a key rotation.
const keys = new WorkerKeys((epoch) => scope.postMessage({ type: 'sending', epoch }));

const report = (message: string) => scope.postMessage({ type: 'error', message });

function pipe(
  readable: ReadableStream<EncodedFrame>,
  writable: WritableStream<EncodedFrame>,
  options: TransformOptions,
): void {
  // The pipe fails when the connection closes; nothing is left to do then.
  readable
    .pipeThrough(frameTransform(keys, options, report))
    .pipeTo(writable)
    .catch(() => undefined);
}

scope.onrtctransform = ({ transformer }) =>
  pipe(transformer.readable, transformer.writable, transformer.options);

scope.onmessage = ({ data: message }) => {
  try {
    switch (message.type) {
      case 'install':
        keys.install(message.epoch, message.baseKey, message.ownLeaf);
        break;
      case 'activate':
        keys.activate(message.epoch);
        break;
      case 'clear':
        keys.clear();
        break;
      case 'count':
        postCounts(true);
        break;
      case 'streams': {
        const { type: _, readable, writable, ...options } = message;
        pipe(readable as ReadableStream<EncodedFrame>, writable, options);
        break;
      }
    }
  } catch (err) {
    report(`E2EE ${message.type}: ${err instanceof Error ? err.message : String(err)}`);
  }
};

let posted = '';
function postCounts(evenUnchanged: boolean): void {
  const stats = keys.stats();
  const offered = keys.offeredFrames();
  const text = JSON.stringify([stats, offered]);
  if (text === posted && !evenUnchanged) return;
  posted = text;
  scope.postMessage({ type: 'stats', stats, offered });
}
setInterval(() => postCounts(false), STATS_INTERVAL_MS);
