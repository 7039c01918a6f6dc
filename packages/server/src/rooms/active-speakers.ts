/** Timers, injectable so that tests drive time themselves. */
export interface SpeakerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const systemTimers: SpeakerTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** The room is told at most this often; changes in between come together in the next list. */
export const SPEAKERS_MIN_INTERVAL_MS = 300;
/** At most this many are listed, the latest first: a room full of voices costs a bounded message. */
export const MAX_LISTED_SPEAKERS = 5;

/**
 * Who is speaking in one room (MEET-LAYOUT), from the media server's `talking` events, and when the
 * room is told: the whole list (most recent speaker first) on a change, at most once every
 * SPEAKERS_MIN_INTERVAL_MS, so a room full of people starting and stopping costs a bounded number
 * of messages. A muted microphone or a participant who left is never in the list: Janus says
 * nothing more about a publisher whose packets stop, so mutes and leaves are told here.
 */
export class ActiveSpeakers {
  /** Participant ids, most recent speaker first. */
  private speaking: string[] = [];
  private lastSent: readonly string[] = [];
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;

  constructor(
    private readonly publish: (participantIds: string[]) => void,
    private readonly timers: SpeakerTimers = systemTimers,
  ) {}

  get current(): readonly string[] {
    return this.speaking;
  }

  /** Janus says `participantId` started or stopped talking; `muted`: its microphone is muted now. */
  talking(participantId: string, talking: boolean, muted: boolean): void {
    const without = this.speaking.filter((id) => id !== participantId);
    this.speaking = talking && !muted ? [participantId, ...without] : without;
    this.schedule();
  }

  /** The participant muted its microphone or left: it speaks no more. */
  silenced(participantId: string): void {
    if (!this.speaking.includes(participantId)) return;
    this.speaking = this.speaking.filter((id) => id !== participantId);
    this.schedule();
  }

  /** The room closes: nothing more is sent. */
  stop(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = this.lastSentAt + SPEAKERS_MIN_INTERVAL_MS - this.timers.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  private flush(): void {
    const listed = this.speaking.slice(0, MAX_LISTED_SPEAKERS);
    if (sameList(listed, this.lastSent)) return;
    this.lastSent = listed;
    this.lastSentAt = this.timers.now();
    this.publish([...listed]);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
