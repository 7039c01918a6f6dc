import { SIGNALING_PATH } from '@conclave/protocol';
import { keyActorName, type ApiKeyCaller, type ApiKeys } from '../api-keys';
import type { AuditLog } from '../audit';
import type { AuthService } from '../auth';
import { AppError } from '../common/errors';
import type { LiveMeetings, RoomControl } from '../domain';
import type { MeetingService } from '../meetings';
import type { UsageReports } from '../reports';
import type { OperationHandlers } from './operations';

export interface PlatformDeps {
  keys: ApiKeys;
  meetings: MeetingService;
  audit: AuditLog;
  live: LiveMeetings;
  /** The running meetings' rooms, on this node or another. */
  rooms: RoomControl;
  reports: UsageReports;
  /** Guest tokens (the SDK's guests). */
  auth: AuthService;
  /** The service's public URL: where the SDK's signaling socket goes. */
  publicUrl: string;
}

/**
 * The work behind each operation: the meeting services, with the key's creator as the caller (a
 * Superuser or Administrator, so every meeting of the organisation is theirs to manage and moderate).
 * Nothing here decides what is allowed; the services and the permission table do, as for a person.
 */
export function platformHandlers(d: PlatformDeps): OperationHandlers<ApiKeyCaller> {
  const by = (caller: ApiKeyCaller) => keyActorName(caller.key.name);
  const signalingUrl = new URL(SIGNALING_PATH, d.publicUrl.replace(/^http/, 'ws')).toString();
  return {
    listMeetings: ({ query }, caller) => d.meetings.listOfOrganisation(caller.principal, query),

    createMeeting: async ({ body }, caller) => {
      const { ownerId, ...input } = body;
      const owner = ownerId === undefined ? caller.principal : await d.keys.owner(caller, ownerId);
      return d.meetings.create(owner, input);
    },

    getMeeting: ({ params }, caller) => d.meetings.get(caller.principal, params.id),

    updateMeeting: ({ params, body }, caller) => d.meetings.update(caller.principal, params.id, body, d.live),

    deleteMeeting: async ({ params }, caller, clientIp) => {
      const deleted = await d.meetings.delete(caller.principal, params.id);
      await d.audit.record(
        { system: by(caller), organisationId: caller.key.organisationId, clientIp },
        'meeting.deleted',
        { kind: 'meeting', id: deleted.id, name: deleted.name },
      );
    },

    listParticipants: async ({ params }, caller) => {
      const meeting = await d.meetings.moderated(caller.principal, params.id);
      const participants = await d.rooms.roster(meeting);
      return { live: participants !== null, participants: participants ?? [] };
    },

    createGuest: async ({ params, body }, caller) => {
      const meeting = await d.meetings.moderated(caller.principal, params.id);
      // The guest would be handed the meeting's media keys by its members' browsers, on the word of a
      // system that holds no key itself: E2EE members come in by link, and are verified by codeword.
      if (meeting.e2ee) {
        throw new AppError(
          409,
          'e2ee_unavailable',
          'An end-to-end encrypted meeting admits no guest by API key',
        );
      }
      const { view } = await d.auth.issueGuest(meeting, body.displayName, { apiKeyId: caller.key.id });
      return { ...view, meetingId: meeting.id, signalingUrl };
    },

    muteParticipant: async ({ params, body }, caller) => {
      const meeting = await d.meetings.moderated(caller.principal, params.id);
      await d.rooms.moderate(meeting, {
        kind: 'mute',
        participantId: params.participantId,
        source: body.source,
        allowUnmute: body.allowUnmute,
        by: by(caller),
      });
    },

    removeParticipant: async ({ params }, caller) => {
      const meeting = await d.meetings.moderated(caller.principal, params.id);
      await d.rooms.moderate(meeting, {
        kind: 'remove',
        participantId: params.participantId,
        by: by(caller),
      });
    },

    endMeeting: async ({ params }, caller) => {
      const meeting = await d.meetings.moderated(caller.principal, params.id);
      await d.rooms.moderate(meeting, { kind: 'end', by: by(caller) });
    },

    usageReport: ({ query }, caller) => d.reports.report(caller.principal, query),
  };
}
