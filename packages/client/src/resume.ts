import type { ServerMessageOf } from '@conclave/protocol';
import { ConclaveError, SignalingError } from './errors';
import type { RequestMessage, SignalingClient } from './signaling';

/**
 * How long a session tries to take up its participation on a new socket before it counts as lost
 * (then the room joins afresh). The server keeps a dropped participation 20 s from when it notices
 * the drop (MEET-RECONNECT), which may be later than this side did; a refusal ends trying at once,
 * so only an unreachable server is tried for this long. Media may flow meanwhile.
 */
const RESUME_WINDOW_MS = 30_000;
/**
 * The waits before the first attempts, then RESUME_DELAY_MAX_MS between the others. The first is
 * short: the balancer sends a new socket to a live node at once, unless it has not yet noticed that
 * the node is dead, which the longer ones leave it time for.
 */
const RESUME_DELAYS_MS: readonly number[] = [100, 250, 500];
const RESUME_DELAY_MAX_MS = 1_000;

/** The join that takes a participation up again (NET-SCALE): its identity, without name or passcode. */
export type ResumeJoin = Extract<RequestMessage, { type: 'join' }> & {
  resume: { participantId: string; token: string };
  displayName?: never;
  passcode?: never;
};

export interface ResumeOptions {
  join: ResumeJoin;
  /** A new client to the server the dropped socket went to, not opened yet, opening within `connectTimeoutMs`. */
  open(connectTimeoutMs: number): SignalingClient;
  /** What one attempt may take at most, opening the socket included. */
  attemptTimeoutMs: number;
  /** Stops trying: the session was closed meanwhile. */
  signal: AbortSignal;
}

export interface Resumed {
  /** The open socket that now carries the participation. */
  client: SignalingClient;
  /** `joined`, or `waiting` for a wait in the lobby. */
  reply: ServerMessageOf<'joined' | 'waiting'>;
}

/**
 * Takes a participation up again on a new socket. Attempts follow one another with a short backoff
 * until one is answered by `joined` (or `waiting`, for a wait in the lobby) with `resumed`, the server refuses (an `error` frame: asking
 * again would not help), or the window has passed. Rejects with what ended it.
 */
export async function resumeParticipation(options: ResumeOptions): Promise<Resumed> {
  const deadline = Date.now() + RESUME_WINDOW_MS;
  let failure: unknown = new ConclaveError('connection_failed', 'Could not reach the meeting server again');
  for (let attempt = 0; ; attempt++) {
    const delay = RESUME_DELAYS_MS[attempt] ?? RESUME_DELAY_MAX_MS;
    if (Date.now() + delay >= deadline) throw failure;
    await sleep(delay, options.signal);
    try {
      return await attemptResume(options, Math.min(options.attemptTimeoutMs, deadline - Date.now()));
    } catch (err) {
      if (options.signal.aborted || isRefusal(err)) throw err;
      failure = err;
    }
  }
}

async function attemptResume(options: ResumeOptions, budgetMs: number): Promise<Resumed> {
  const started = Date.now();
  const client = options.open(budgetMs);
  const abandon = () => client.close();
  options.signal.addEventListener('abort', abandon);
  try {
    await client.connect();
    const reply = await client.request(options.join, Math.max(1, budgetMs - (Date.now() - started)));
    // Anything else would leave these peer connections talking to nobody's participation.
    if (reply.resumed !== true || reply.participantId !== options.join.resume.participantId) {
      throw new ConclaveError('protocol_error', 'The server did not take up this participation');
    }
    return { client, reply };
  } catch (err) {
    client.close();
    throw err;
  } finally {
    options.signal.removeEventListener('abort', abandon);
  }
}

/** The server answered, and not with the participation: `resume_failed`, `unauthorized`, … */
function isRefusal(err: unknown): boolean {
  return err instanceof SignalingError || (err instanceof ConclaveError && err.code === 'protocol_error');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(new ConclaveError('connection_closed', 'Closed while resuming'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}
