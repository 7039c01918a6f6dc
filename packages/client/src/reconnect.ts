import type { DisconnectedReason, ErrorCode, ServerMessageOf } from '@conclave/protocol';
import { ConclaveError, SignalingError, toConclaveError } from './errors';
import type { DisconnectReason } from './room-events';

/** What the server said when it ended a session (the `disconnected` frame before the socket closes). */
export type ServerEnd = Pick<ServerMessageOf<'disconnected'>, 'reason' | 'message'>;

/** Server reasons that end the room for good: joining again would not help. */
const FINAL_SERVER_REASONS = [
  'left',
  'removed',
  'rejected',
  'replaced',
  'meeting_ended',
  'session_ended',
] as const satisfies readonly DisconnectedReason[];
type FinalServerReason = (typeof FINAL_SERVER_REASONS)[number];

/** Join refusals that retrying cannot fix. */
const FINAL_JOIN_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'unauthorized',
  'forbidden',
  'meeting_not_found',
  'not_found',
  'validation_failed',
  'bad_request',
  // The passcode was changed or removed meanwhile: the person must be asked again.
  'passcode_required',
  'passcode_wrong',
  // Turned away from the lobby: asking again is refused while the meeting lasts.
  'rejected',
]);

/** The first attempt follows the loss quickly: most drops are a server restart or a network blip. */
const FIRST_ATTEMPT_MS = 250;
/** After a failed attempt: 0.5 s, doubling up to 5 s. */
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 5000;

export type ReconnectStep =
  { kind: 'retry'; delayMs: number } | { kind: 'end'; reason: DisconnectReason; error: ConclaveError };

export interface ReconnectPolicyOptions {
  /** Give up once the next attempt would start later than this after the loss. */
  giveUpAfterMs: number;
  now?: () => number;
}

/**
 * Whether and when a room that lost its session joins again. Bookkeeping only: the room owns the
 * timers and the sessions, and asks this what to do after a loss and after each failed attempt.
 * A run starts with `lost()`; the next `lost()` starts a new one with a fresh deadline.
 */
export class ReconnectPolicy {
  private readonly giveUpAfterMs: number;
  private readonly now: () => number;
  /** When the current run gives up; null outside a run. */
  private deadline: number | null = null;
  private failures = 0;

  constructor(options: ReconnectPolicyOptions) {
    this.giveUpAfterMs = options.giveUpAfterMs;
    this.now = options.now ?? Date.now;
  }

  /** The live session ended by itself; `end` is the server's word on why, when it gave one. */
  lost(end: ServerEnd | null): ReconnectStep {
    const final = endedByServer(end);
    if (final) {
      this.deadline = null;
      return final;
    }
    this.deadline = this.now() + this.giveUpAfterMs;
    this.failures = 0;
    return { kind: 'retry', delayMs: FIRST_ATTEMPT_MS };
  }

  /** A rejoin attempt failed with `error`; `end` is what the server said during it, if anything. */
  failed(error: unknown, end: ServerEnd | null): ReconnectStep {
    const step = this.afterFailure(error, end);
    if (step.kind === 'end') this.deadline = null;
    return step;
  }

  private afterFailure(error: unknown, end: ServerEnd | null): ReconnectStep {
    const final = endedByServer(end);
    if (final) return final;
    if (error instanceof SignalingError && FINAL_JOIN_ERRORS.has(error.code)) {
      return { kind: 'end', reason: 'join_failed', error };
    }
    this.failures++;
    const delayMs = Math.min(BACKOFF_BASE_MS * 2 ** (this.failures - 1), BACKOFF_MAX_MS);
    if (this.deadline === null || this.now() + delayMs > this.deadline) {
      return {
        kind: 'end',
        reason: 'connection_lost',
        error: toConclaveError(error, 'connection_failed', 'The connection to the meeting was lost'),
      };
    }
    return { kind: 'retry', delayMs };
  }
}

/** The end of the room the server's last word means, if it is a final one (removed, signed out…). */
export function endedByServer(end: ServerEnd | null): Extract<ReconnectStep, { kind: 'end' }> | null {
  if (!end || !isFinalServerReason(end.reason)) return null;
  return {
    kind: 'end',
    reason: end.reason,
    error: new ConclaveError('connection_closed', end.message || 'You are no longer in the meeting'),
  };
}

function isFinalServerReason(reason: DisconnectedReason): reason is FinalServerReason {
  return (FINAL_SERVER_REASONS as readonly DisconnectedReason[]).includes(reason);
}
