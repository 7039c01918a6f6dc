import type { z } from 'zod';
import {
  idParamsSchema,
  meetingListQuerySchema,
  meetingListSchema,
  meetingViewSchema,
  participantParamsSchema,
  platformCreateMeetingSchema,
  platformGuestRequestSchema,
  platformGuestTokenSchema,
  platformMuteSchema,
  platformUpdateMeetingSchema,
  rosterSchema,
  usageQuerySchema,
  usageReportSchema,
  type ApiKeyScope,
  type ErrorCode,
} from '@conclave/protocol';

/** A refusal an operation may answer with, besides those every operation may (see COMMON_ERRORS). */
interface OperationError {
  status: 400 | 403 | 404 | 409 | 410;
  codes: readonly ErrorCode[];
  description: string;
}

/**
 * One route of the platform API (docs/api.md), as data: the routes are registered from it and the
 * OpenAPI document is written from it, with the same zod schemas, so neither can drift from the other.
 * `path` is Fastify's (`:id`), under PLATFORM_API_PREFIX.
 */
export interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** The one scope a key needs for it: nothing is reachable with a key without naming one. */
  scope: ApiKeyScope;
  summary: string;
  description: string;
  tag: 'Meetings' | 'Participants' | 'Reports';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The answer when it works: its status, and its body's schema (none for 204). */
  success: { status: 200 | 201 | 204; description: string; schema?: z.ZodType };
  errors: readonly OperationError[];
}

const badInput: OperationError = {
  status: 400,
  codes: ['validation_failed', 'bad_request'],
  description: 'The input is not valid; `field` names what was wrong',
};
const noMeeting: OperationError = {
  status: 404,
  codes: ['meeting_not_found'],
  description: 'No such meeting in the organisation',
};
const notLive: OperationError = {
  status: 409,
  codes: ['meeting_not_live'],
  description: 'Nobody is in the meeting now',
};
const moderatorTarget: OperationError = {
  status: 403,
  codes: ['forbidden', 'insufficient_scope'],
  description:
    'The participant moderates the meeting by their role (its owner, a Superuser or an Administrator), ' +
    'or the key lacks the scope',
};
const noParticipant: OperationError = {
  status: 404,
  codes: ['meeting_not_found', 'participant_not_found'],
  description: 'No such meeting, or nobody by that participant id is in it now',
};

const op = <const O extends Operation>(o: O): O => o;

/** Every operation of the platform API, by its operationId. */
export const OPERATIONS = {
  listMeetings: op({
    method: 'GET',
    path: '/meetings',
    scope: 'meetings:read',
    tag: 'Meetings',
    summary: 'List the organisation’s meetings',
    description: 'Every meeting of the organisation (or of one owner), newest first, a page at a time.',
    query: meetingListQuerySchema,
    success: { status: 200, description: 'A page of meetings', schema: meetingListSchema },
    errors: [badInput],
  }),
  createMeeting: op({
    method: 'POST',
    path: '/meetings',
    scope: 'meetings:write',
    tag: 'Meetings',
    summary: 'Create a meeting',
    description:
      'A meeting owned by `ownerId`, or by the person who made the key. It gets a join link and an ' +
      'extension unique in the organisation.',
    body: platformCreateMeetingSchema,
    success: { status: 201, description: 'The meeting made', schema: meetingViewSchema },
    errors: [badInput],
  }),
  getMeeting: op({
    method: 'GET',
    path: '/meetings/:id',
    scope: 'meetings:read',
    tag: 'Meetings',
    summary: 'Read a meeting',
    description: 'One meeting of the organisation.',
    params: idParamsSchema,
    success: { status: 200, description: 'The meeting', schema: meetingViewSchema },
    errors: [badInput, noMeeting],
  }),
  updateMeeting: op({
    method: 'PATCH',
    path: '/meetings/:id',
    scope: 'meetings:write',
    tag: 'Meetings',
    summary: 'Change a meeting',
    description:
      'Changes what the body names, as a Superuser or Administrator would. End-to-end encryption cannot ' +
      'be switched while anyone is in the meeting.',
    params: idParamsSchema,
    body: platformUpdateMeetingSchema,
    success: { status: 200, description: 'The meeting as it is now', schema: meetingViewSchema },
    errors: [
      badInput,
      { status: 403, codes: ['forbidden', 'insufficient_scope'], description: 'Not allowed' },
      noMeeting,
      { status: 409, codes: ['meeting_in_progress'], description: 'People are in the meeting' },
    ],
  }),
  deleteMeeting: op({
    method: 'DELETE',
    path: '/meetings/:id',
    scope: 'meetings:write',
    tag: 'Meetings',
    summary: 'Delete a meeting',
    description: 'Deletes the meeting; anyone in it is told it ended.',
    params: idParamsSchema,
    success: { status: 204, description: 'Deleted' },
    errors: [badInput, noMeeting],
  }),
  listParticipants: op({
    method: 'GET',
    path: '/meetings/:id/participants',
    scope: 'participants:read',
    tag: 'Participants',
    summary: 'Who is in a meeting now',
    description: 'The meeting’s roster as its participants see it; empty while nobody is in it.',
    params: idParamsSchema,
    success: { status: 200, description: 'The roster', schema: rosterSchema },
    errors: [badInput, noMeeting],
  }),
  createGuest: op({
    method: 'POST',
    path: '/meetings/:id/guests',
    scope: 'participants:join',
    tag: 'Participants',
    summary: 'Let a named guest join a meeting',
    description:
      'A guest token for the browser SDK (docs/sdk.md): it lets one guest, by the name given, join this ' +
      'meeting for 12 hours. The organisation lets them in, so they need no passcode; the lobby applies ' +
      'as to any guest. Not for end-to-end encrypted meetings, whose members the server cannot vouch for.',
    params: idParamsSchema,
    body: platformGuestRequestSchema,
    success: { status: 201, description: 'The guest token', schema: platformGuestTokenSchema },
    errors: [
      badInput,
      noMeeting,
      { status: 409, codes: ['e2ee_unavailable'], description: 'The meeting is end-to-end encrypted' },
    ],
  }),
  muteParticipant: op({
    method: 'POST',
    path: '/meetings/:id/participants/:participantId/mute',
    scope: 'participants:moderate',
    tag: 'Participants',
    summary: 'Mute a participant',
    description:
      'The media server stops forwarding the source and the participant is told who muted it. Unless ' +
      '`allowUnmute`, they cannot unmute it themselves.',
    params: participantParamsSchema,
    body: platformMuteSchema,
    success: { status: 204, description: 'Muted' },
    errors: [badInput, moderatorTarget, noParticipant, notLive],
  }),
  removeParticipant: op({
    method: 'DELETE',
    path: '/meetings/:id/participants/:participantId',
    scope: 'participants:moderate',
    tag: 'Participants',
    summary: 'Remove a participant',
    description:
      'Closes the participant’s connections; they cannot come back without being admitted again while ' +
      'the meeting lasts.',
    params: participantParamsSchema,
    success: { status: 204, description: 'Removed' },
    errors: [badInput, moderatorTarget, noParticipant, notLive],
  }),
  endMeeting: op({
    method: 'POST',
    path: '/meetings/:id/end',
    scope: 'participants:moderate',
    tag: 'Participants',
    summary: 'End a meeting for everyone',
    description: 'Everyone in the meeting is let go and told it ended. The meeting itself stays.',
    params: idParamsSchema,
    success: { status: 204, description: 'Ended' },
    errors: [badInput, noMeeting, notLive],
  }),
  usageReport: op({
    method: 'GET',
    path: '/reports/usage',
    scope: 'reports:read',
    tag: 'Reports',
    summary: 'Usage of a period',
    description:
      'Meetings held, participants (guests among them) and minutes, per day, person, meeting and room ' +
      'system, for the days `from` to `to` (at most 731) as they are in `timeZone` (ADM-USAGE).',
    query: usageQuerySchema,
    success: { status: 200, description: 'The report', schema: usageReportSchema },
    errors: [badInput],
  }),
} as const;

type Operations = typeof OPERATIONS;
export type OperationId = keyof Operations;

type Parsed<O, K extends 'params' | 'query' | 'body'> = O extends { [P in K]: infer S extends z.ZodType }
  ? z.output<S>
  : undefined;
type Answer<O extends Operation> = O['success'] extends { schema: infer S extends z.ZodType }
  ? z.output<S>
  : void;

/** What a handler gets, parsed by the operation's own schemas. */
interface OperationInput<O extends Operation> {
  params: Parsed<O, 'params'>;
  query: Parsed<O, 'query'>;
  body: Parsed<O, 'body'>;
}

/** The work behind an operation, typed by its schemas. */
type OperationHandler<O extends Operation, Caller> = (
  input: OperationInput<O>,
  caller: Caller,
  clientIp: string,
) => Promise<Answer<O>>;

export type OperationHandlers<Caller> = {
  [K in OperationId]: OperationHandler<Operations[K], Caller>;
};

/** Fastify's `:name` segments as OpenAPI's `{name}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');
