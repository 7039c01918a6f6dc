import { z } from 'zod';
import {
  createMeetingRequestSchema,
  displayNameSchema,
  ID_PATTERN,
  meetingViewSchema,
  updateMeetingRequestSchema,
} from './api';
import { ERROR_CODES } from './errors';
import { trackSourceSchema } from './signaling';
import { textSchema } from './text';

/**
 * The platform API (docs/api.md): what other systems of an organisation do with Conclave through an
 * API key, under /api/v1. Its OpenAPI document is generated from the schemas here, which are the ones
 * its routes validate with: one source of truth.
 */

/** Where the platform API's routes live; nothing else there, and nothing of it anywhere else. */
export const PLATFORM_API_PREFIX = '/api/v1';

/**
 * What a key may do, each a scope its holder asks for when the key is made. A route names the one
 * scope it needs; a key without it is refused with 403 `insufficient_scope`.
 */
export const API_KEY_SCOPES = [
  'meetings:read',
  'meetings:write',
  'participants:read',
  'participants:moderate',
  'participants:join',
  'reports:read',
] as const;
export const apiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

/** What each scope allows, for the admin console and the OpenAPI document. */
export const API_KEY_SCOPE_TEXT: Record<ApiKeyScope, string> = {
  'meetings:read': 'List and read the organisation’s meetings',
  'meetings:write': 'Create, change and delete meetings',
  'participants:read': 'See who is in a meeting now',
  'participants:moderate': 'Mute or remove participants, end a meeting',
  'participants:join': 'Let named guests join a meeting (guest tokens for the SDK)',
  'reports:read': 'Read usage reports',
};

/**
 * A key as sent: `cnk_` then 43 base64url characters (256 random bits). The first 12 characters are
 * its visible prefix, kept in the clear so that people recognise it in the list.
 */
export const API_KEY_PREFIX_LENGTH = 12;

/** POST /api/api-keys (Superusers and Administrators): a new key, shown once in the answer. */
export const createApiKeyRequestSchema = z.object({
  name: textSchema({ label: 'Key name', min: 1, max: 80 }),
  scopes: z
    .array(apiKeyScopeSchema)
    .min(1, 'Choose at least one scope')
    .max(API_KEY_SCOPES.length)
    .transform((scopes) => [...new Set(scopes)]),
});
export type CreateApiKeyRequest = z.infer<typeof createApiKeyRequestSchema>;

/** A key as the admin console lists it: never the key itself, which only its creator saw once. */
export interface ApiKeyView {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  /** Its first characters (`cnk_AbCd1234`), to recognise it by. */
  prefix: string;
  /** Who made it: the key acts with their rights, and stops working when they lose them. */
  createdBy: { id: string; displayName: string };
  createdAt: string;
  /** Its last request (minute precision is enough to tell a key in use); null: never used. */
  lastUsedAt: string | null;
}

/** GET /api/api-keys: the organisation's keys that work, newest first. */
export interface ApiKeyListView {
  keys: ApiKeyView[];
}

/** The answer to POST /api/api-keys: the key, this once (only its SHA-256 digest is kept). */
export interface ApiKeyCreatedView extends ApiKeyView {
  key: string;
}

// --- The platform API's own schemas (besides meetingViewSchema and the meeting requests) ---

/** The body of every refusal, as everywhere in Conclave's API. */
export const apiErrorSchema = z
  .object({
    code: z.enum(ERROR_CODES).describe('Stable, machine-readable; never renamed'),
    message: z.string().describe('For a developer to read'),
    field: z.string().optional().describe('Dotted path of the input field that was wrong'),
  })
  .meta({ id: 'Error' });

export const idParamsSchema = z.object({ id: z.string().regex(ID_PATTERN, 'Not a valid id') });
export const participantParamsSchema = idParamsSchema.extend({
  participantId: z.string().regex(ID_PATTERN, 'Not a valid id'),
});

/**
 * POST /api/v1/meetings: a meeting owned by `ownerId` (a person of the organisation whose access is
 * not revoked), or by the key's creator without it.
 */
export const platformCreateMeetingSchema = createMeetingRequestSchema
  .extend({
    ownerId: z
      .string()
      .regex(ID_PATTERN, 'Not a valid id')
      .optional()
      .describe('Who owns the meeting; the key’s creator without it'),
  })
  .meta({ id: 'CreateMeeting' });
export type PlatformCreateMeeting = z.input<typeof platformCreateMeetingSchema>;

export const platformUpdateMeetingSchema = updateMeetingRequestSchema.meta({ id: 'UpdateMeeting' });

/** GET /api/v1/meetings: a page of the organisation's meetings, newest first. */
export const meetingListQuerySchema = z.object({
  /** Only the meetings this person owns. */
  ownerId: z.string().regex(ID_PATTERN, 'Not a valid id').optional(),
  /** The `next` of the page before. */
  before: z.string().regex(ID_PATTERN, 'Not a valid id').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type MeetingListQuery = z.input<typeof meetingListQuerySchema>;

export const meetingListSchema = z
  .object({
    meetings: z.array(meetingViewSchema),
    next: z.string().nullable().describe('Pass as `before` for the next page; null: this is the last'),
  })
  .meta({ id: 'MeetingList' });
export type MeetingListView = z.infer<typeof meetingListSchema>;

/** Someone in a meeting now, as its roster shows them to its participants. */
export const rosterEntrySchema = z
  .object({
    id: z.string().describe('The participant id, for muting and removing'),
    displayName: z.string(),
    kind: z.enum(['user', 'guest', 'room', 'sip', 'phone']),
    /** The person's account, when they have one. */
    userId: z.string().nullable(),
    moderator: z.boolean(),
    joinedAt: z.iso.datetime(),
    tracks: z.array(z.object({ source: trackSourceSchema, muted: z.boolean() })),
  })
  .meta({ id: 'Participant' });
export type RosterEntry = z.infer<typeof rosterEntrySchema>;

/** GET /api/v1/meetings/{id}/participants: who is in it now; nobody while it is not running. */
export const rosterSchema = z
  .object({ live: z.boolean(), participants: z.array(rosterEntrySchema) })
  .meta({ id: 'Roster' });
export type RosterView = z.infer<typeof rosterSchema>;

/**
 * POST /api/v1/meetings/{id}/participants/{participantId}/mute: the media server stops forwarding
 * the source, and the participant is told (MEET-MOD-MUTE). Without `allowUnmute` they cannot turn it
 * on again themselves.
 */
export const platformMuteSchema = z
  .object({ source: trackSourceSchema.default('microphone'), allowUnmute: z.boolean().default(false) })
  .meta({ id: 'Mute' });

/**
 * POST /api/v1/meetings/{id}/guests: a guest token for someone the integrating system names, for the
 * SDK's `room.connect({ meetingId, guestToken, signalingUrl })` (docs/sdk.md).
 */
export const platformGuestRequestSchema = z
  .object({ displayName: displayNameSchema.describe('The name the others see, marked as a guest') })
  .meta({ id: 'GuestRequest' });
export type PlatformGuestRequest = z.input<typeof platformGuestRequestSchema>;

export const platformGuestTokenSchema = z
  .object({
    token: z.string().describe('Lets this one guest join this one meeting until it expires; a secret'),
    expiresAt: z.iso.datetime(),
    meetingId: z.string(),
    signalingUrl: z.string().describe('The signaling WebSocket URL to give the SDK (`signalingUrl`)'),
  })
  .meta({ id: 'GuestToken' });
export type PlatformGuestToken = z.infer<typeof platformGuestTokenSchema>;
