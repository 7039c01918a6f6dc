import type { RosterEntry } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MeetingRecord, RoomControl, ServerModeration } from '../domain';
import type { MeetingRoom } from './meeting-room';
import { rosterKind, shown, type Participant } from './participant';
import type { RoomRegistry } from './registry';
import type { ParticipantState } from './room-state';
import { isModeratorByRole } from './roles';

export const meetingNotLive = () =>
  new AppError(409, 'meeting_not_live', 'Nobody is in this meeting now', 'meetingId');
const participantNotFound = () =>
  new AppError(404, 'participant_not_found', 'Nobody by that id is in the meeting now', 'participantId');

/** A participant as the platform API lists them (docs/api.md). */
function rosterEntry(p: Participant): RosterEntry {
  const { id, displayName, kind, moderator, joinedAt, tracks } = p.info();
  const userId = p.principal.kind === 'user' ? p.principal.userId : null;
  return { id, displayName, kind, userId, moderator, joinedAt, tracks };
}

/** A participant as the platform API lists them, from its room's state as another node wrote it. */
export function rosterEntryOfState(p: ParticipantState): RosterEntry {
  return {
    id: p.id,
    displayName: p.principal.displayName,
    kind: rosterKind(p.principal),
    userId: p.principal.kind === 'user' ? p.principal.userId : null,
    moderator: p.moderator,
    joinedAt: p.joinedAt,
    tracks: p.tracks.filter((t) => shown(t.source, t)).map(({ source, muted }) => ({ source, muted })),
  };
}

/**
 * What a node that does not hold the room checks before it asks the one that does (which answers
 * nothing back): the participant is there, and is no moderator by role.
 */
export function checkTarget(
  meeting: MeetingRecord,
  participants: readonly ParticipantState[],
  id: string,
): void {
  const target = participants.find((p) => p.id === id);
  if (!target) throw participantNotFound();
  if (isModeratorByRole(target.principal, meeting)) {
    throw new AppError(
      403,
      'forbidden',
      `${target.principal.displayName} is a moderator: you cannot do this to them`,
    );
  }
}

/**
 * The platform API's moderation (MEET-MOD-MUTE, MEET-MOD-REMOVE) of the meetings whose rooms are on
 * this node: done by the rooms' own moderation, as a moderator by role would, in the key's name.
 */
export class LocalRoomControl implements RoomControl {
  constructor(private readonly rooms: RoomRegistry) {}

  roster(meeting: MeetingRecord): Promise<RosterEntry[] | null> {
    const room = this.open(meeting.id);
    return Promise.resolve(room ? [...room.participants.values()].map(rosterEntry) : null);
  }

  async moderate(meeting: MeetingRecord, action: ServerModeration): Promise<void> {
    const room = this.open(meeting.id);
    if (!room) throw meetingNotLive();
    if (action.kind === 'end') {
      await room.end('meeting_ended', `${action.by} ended the meeting`);
      return;
    }
    if (!room.participants.has(action.participantId)) throw participantNotFound();
    const actor = { server: action.by };
    try {
      if (action.kind === 'mute') {
        await room.moderation.mute(actor, [action.participantId], action.source, action.allowUnmute);
      } else {
        room.moderation.remove(actor, [action.participantId]);
      }
    } finally {
      // What moderators decided outlasts this node (NET-SCALE), as for a moderator's own request.
      room.remember();
    }
  }

  private open(meetingId: string): MeetingRoom | undefined {
    const room = this.rooms.room(meetingId);
    return room && !room.closed ? room : undefined;
  }
}
