import type { TrackSource } from '@conclave/protocol';

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

/** Where rooms keep their memory when it must outlive the node holding them (NET-SCALE). */
export interface MeetingMemories {
  load(meetingId: string): Promise<MeetingMemory | null>;
  save(meetingId: string, memory: MeetingMemory): Promise<void>;
  /** The meeting is over (its room emptied, or it was deleted): nothing of it is kept. */
  forget(meetingId: string): Promise<void>;
}
