import type { TrackSource } from '@conclave/protocol';
import type { MediaLogger } from '../media/logger';
import type { MeetingValues } from './meeting-values';

/**
 * What a meeting room remembers about people while the meeting goes on: the lobby's and the
 * moderators' decisions (MEET-LOBBY, MEET-MODERATORS, MEET-MOD-MUTE, MEET-MOD-REMOVE), by person, as
 * plain data. With several control-plane nodes it is kept where every node finds it, so that a room
 * rebuilt on another node after its owner died still keeps the removed out and the muted muted.
 */
export interface MeetingMemory {
  /** People a moderator let in: back after a dropped connection without waiting. */
  passes: string[];
  /** People a moderator removed: they wait whatever the meeting's setting. */
  removed: string[];
  /** People a moderator turned away: refused. */
  refused: string[];
  /** A guest was removed: every guest waits from then on. */
  guestsWait: boolean;
  /** People made moderators by the owner, a Superuser or an Administrator. */
  promoted: string[];
  /** Sources a moderator muted and did not allow unmuting, with the moderator's name. */
  locks: Array<{ person: string; source: TrackSource; moderatorName: string }>;
}

/**
 * Where rooms keep their memory when it must outlive the node holding them (NET-SCALE); forgotten
 * when the meeting is over (its room emptied, or it was deleted).
 */
export type MeetingMemories = MeetingValues<MeetingMemory>;

/** The two parts of a room that hold its memory. */
interface Remembering<K extends keyof MeetingMemory> {
  remembered(): Pick<MeetingMemory, K>;
  recall(memory: Pick<MeetingMemory, K>): void;
}

/**
 * One room's link to the store: it loads what an earlier room of the meeting (on a node that is gone)
 * remembered before the room's first join, saves after each moderation decision, and drops it when the
 * meeting is over. Failures are logged: the room goes on with what it knows.
 */
export class RoomMemory {
  /** Resolves once what an earlier room remembered is taken back. */
  readonly recalled: Promise<void>;

  constructor(
    private readonly store: MeetingMemories,
    private readonly meetingId: string,
    private readonly parts: {
      lobby: Remembering<'passes' | 'removed' | 'refused' | 'guestsWait'>;
      moderation: Remembering<'promoted' | 'locks'>;
    },
    private readonly logger: MediaLogger,
  ) {
    this.recalled = this.recall();
  }

  save(): void {
    const memory = { ...this.parts.lobby.remembered(), ...this.parts.moderation.remembered() };
    this.store.save(this.meetingId, memory).catch((err: unknown) => this.warn(err, 'keep'));
  }

  forget(): void {
    this.store.forget(this.meetingId).catch((err: unknown) => this.warn(err, 'drop'));
  }

  private async recall(): Promise<void> {
    try {
      const memory = await this.store.load(this.meetingId);
      if (!memory) return;
      this.parts.lobby.recall(memory);
      this.parts.moderation.recall(memory);
      this.logger.info({ meetingId: this.meetingId }, 'meeting room took back its moderation state');
    } catch (err) {
      this.warn(err, 'load');
    }
  }

  private warn(err: unknown, what: 'keep' | 'drop' | 'load'): void {
    this.logger.warn({ err, meetingId: this.meetingId }, `could not ${what} the meeting’s moderation state`);
  }
}
