import { z } from 'zod';
import {
  DISPLAY_NAME_RULE,
  MEETING_DESCRIPTION_RULE,
  MEETING_NAME_RULE,
  ORGANISATION_NAME_RULE,
  textSchema,
} from './text';
import { passkeyAssertionSchema } from './passkeys';
import type { CaptureNotice } from './capture';

/**
 * Identifiers in URLs and messages (UUIDv7 and the like): letters, digits and dashes. Anything else
 * cannot name a record, and would reach the database only to fail there (PostgreSQL refuses NUL).
 */
export const ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/** REST API request schemas and response types (JSON over HTTPS, cookie-authenticated). */

export const ROLES = ['user', 'superuser', 'administrator'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'Enter a valid email address' }));
export const newPasswordSchema = z.string().min(10, 'Use at least 10 characters').max(256);
const email = emailSchema;
const password = newPasswordSchema;
export const displayNameSchema = textSchema(DISPLAY_NAME_RULE);

/** Header that must carry the session's CSRF token on every cookie-authenticated write. */
export const CSRF_HEADER = 'x-conclave-csrf';

export const setupRequestSchema = z.object({
  /** From the setup link the server prints when it starts before setup (its fragment, #token=…). */
  setupToken: z.string().max(256).optional(),
  organisationName: textSchema(ORGANISATION_NAME_RULE),
  email,
  password,
  displayName: displayNameSchema,
});
export type SetupRequest = z.infer<typeof setupRequestSchema>;

export interface SetupStatus {
  needed: boolean;
}

export const signInRequestSchema = z.object({ email, password: z.string().min(1).max(256) });

/** The ways a sign-in can be confirmed after the password (IAM-LOCAL). */
export type SecondFactorMethod = 'passkey' | 'totp' | 'recovery';
/**
 * POST /api/auth/sign-in (and a password reset) answers this instead of a session when the account has
 * a second factor: the browser holds the half-done sign-in in an HttpOnly cookie for 5 minutes.
 */
export interface SecondFactorChallengeView {
  secondFactor: { methods: SecondFactorMethod[] };
}
export type SignInResultView = SessionView | SecondFactorChallengeView;
/**
 * POST /api/auth/sign-in/second-factor: a code from the authenticator app, a recovery code, or a
 * passkey's answer to the options of POST /api/auth/sign-in/passkey/options.
 */
export const secondFactorRequestSchema = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('totp'),
    code: z
      .string()
      .transform((c) => c.replace(/\s+/g, ''))
      .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6 digits your authenticator app shows')),
  }),
  z.object({ method: z.literal('recovery'), code: z.string().trim().min(1).max(64) }),
  z.object({ method: z.literal('passkey'), response: passkeyAssertionSchema }),
]);
export type SecondFactorRequest = z.input<typeof secondFactorRequestSchema>;

/** GET /api/auth/password-reset: whether "Forgot password?" can mail a link on this installation. */
export interface PasswordResetStatus {
  available: boolean;
}
/** POST /api/auth/password-reset: 202 whatever the address (no account discovery). */
export const passwordResetRequestSchema = z.object({ email });
/**
 * The mailed link is /reset-password#token=…: a fragment reaches no server or proxy log, and the
 * token travels in request bodies only.
 */
const resetToken = z.string().min(1).max(256);
/** POST /api/auth/password-reset/link: the account a link resets. */
export const passwordResetLinkRequestSchema = z.object({ token: resetToken });
export interface PasswordResetLinkView {
  email: string;
}
/** POST /api/auth/password-reset/complete: the new password; the answer is a SessionView (signed in). */
export const completePasswordResetSchema = z.object({ token: resetToken, password });
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export interface UserView {
  id: string;
  email: string;
  displayName: string;
  role: Role;
}

export interface OrganisationView {
  id: string;
  name: string;
}

/** GET /api/auth/session and the answer to sign-in and setup. */
export interface SessionView {
  user: UserView;
  organisation: OrganisationView;
  csrfToken: string;
  /**
   * The organisation requires a second factor and this person has none: until they set one up, this
   * session may do nothing else (403 second_factor_setup_required).
   */
  secondFactorSetupRequired?: true;
}

export const meetingNameSchema = textSchema(MEETING_NAME_RULE);
export const meetingDescriptionSchema = textSchema(MEETING_DESCRIPTION_RULE);

/**
 * Who waits in the lobby until a moderator admits them (MEET-LOBBY): nobody, guests, or everyone but
 * the meeting's moderators.
 */
export const LOBBY_MODES = ['off', 'guests', 'everyone'] as const;
export const lobbyModeSchema = z.enum(LOBBY_MODES);
export type LobbyMode = z.infer<typeof lobbyModeSchema>;

/** The most people of the organisation one meeting invites (ADM-INVITE). */
export const MAX_MEETING_INVITEES = 200;
/** The most room systems one meeting invites (ADM-ROOMS): the meeting rooms it is held in. */
export const MAX_MEETING_ROOM_SYSTEMS = 20;
/** A scheduled meeting lasts at most this long. */
export const MAX_MEETING_HOURS = 24;

/** Whether the runtime knows `name` as an IANA time zone ("Europe/Zurich", "UTC"). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An instant with its offset ("2025-03-03T14:00:00+01:00"), kept as ISO UTC ("…T13:00:00.000Z"). */
const instantSchema = z.iso
  .datetime({ offset: true, message: 'Enter a date and time such as 2025-03-03T14:00:00Z' })
  .transform((v) => new Date(v).toISOString());

/**
 * When a meeting is planned for (ADM-CALENDAR): it ends after it starts, at most MAX_MEETING_HOURS
 * later. The time zone is the one its owner scheduled it in; invitations tell the time there. The
 * meeting's link works at any time all the same.
 */
export const meetingScheduleSchema = z
  .object({
    startsAt: instantSchema,
    endsAt: instantSchema,
    timeZone: z.string().max(64).refine(isTimeZone, 'Choose a time zone such as Europe/Zurich'),
  })
  .strict()
  .superRefine((v, ctx) => {
    const length = Date.parse(v.endsAt) - Date.parse(v.startsAt);
    if (length <= 0) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'The meeting must end after it starts' });
    } else if (length > MAX_MEETING_HOURS * 3600_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['endsAt'],
        message: `A meeting can last at most ${MAX_MEETING_HOURS} hours`,
      });
    }
  });
export type MeetingSchedule = z.infer<typeof meetingScheduleSchema>;

/** People of the organisation to invite (ADM-INVITE), by user id; never the meeting's owner. */
export const inviteeIdsSchema = z
  .array(z.string().regex(ID_PATTERN, 'Not a valid id'))
  .max(MAX_MEETING_INVITEES, `Invite at most ${MAX_MEETING_INVITEES} people`);

export const meetingInviteeSchema = z.object({ id: z.string(), displayName: z.string() });
export type MeetingInvitee = z.infer<typeof meetingInviteeSchema>;

/**
 * Room systems of the organisation to invite (ADM-ROOMS, ADM-CALENDAR), by id: the meeting rooms it
 * is held in, as one books a room. Their screens list it on its day and may join it by themselves.
 */
export const roomSystemIdsSchema = z
  .array(z.string().regex(ID_PATTERN, 'Not a valid id'))
  .max(MAX_MEETING_ROOM_SYSTEMS, `Invite at most ${MAX_MEETING_ROOM_SYSTEMS} room systems`);

/** A room system invited to a meeting, by name. */
export const meetingRoomSystemSchema = z.object({ id: z.string(), name: z.string() });
export type MeetingRoomSystem = z.infer<typeof meetingRoomSystemSchema>;

export const createMeetingRequestSchema = z.object({
  name: meetingNameSchema,
  description: meetingDescriptionSchema.optional(),
  /** End-to-end encryption (E2EE-OPTIN); off unless asked for. */
  e2ee: z.boolean().optional(),
  /** One-time (MEET-ONETIME): deleted once it has taken place; cannot be changed later. */
  oneTime: z.boolean().optional(),
  /** The lobby (MEET-LOBBY); off unless asked for. */
  lobby: lobbyModeSchema.optional(),
  /** When it takes place (ADM-CALENDAR); without one (or null) it has no time. */
  schedule: meetingScheduleSchema.nullable().optional(),
  /** People of the organisation invited to it (ADM-INVITE). */
  inviteeIds: inviteeIdsSchema.optional(),
  /** Room systems of the organisation invited to it (ADM-ROOMS). */
  roomSystemIds: roomSystemIdsSchema.optional(),
});
export type CreateMeetingRequest = z.infer<typeof createMeetingRequestSchema>;

export const updateMeetingRequestSchema = z
  .object({
    name: meetingNameSchema.optional(),
    description: meetingDescriptionSchema.optional(),
    /** Refused with `meeting_in_progress` while anyone is in the meeting. */
    e2ee: z.boolean().optional(),
    /** Hidden from the directory (MEET-HIDE); a one-time meeting always is. */
    hidden: z.boolean().optional(),
    /** Applies to the next people who join; those waiting now stay until a moderator decides. */
    lobby: lobbyModeSchema.optional(),
    /** Moderators may start and stop recordings too (REC-START): the owner's choice alone. */
    recordingByModerators: z.boolean().optional(),
    /** The owner may stream this meeting live (STREAM-TOGGLE): a Superuser's or Administrator's choice. */
    streaming: z.boolean().optional(),
    /** A new time, or null: no time any more (ADM-CALENDAR). */
    schedule: meetingScheduleSchema.nullable().optional(),
    /** Everyone invited now, replacing the list (ADM-INVITE). */
    inviteeIds: inviteeIdsSchema.optional(),
    /** The room systems invited now, replacing the list (ADM-ROOMS). */
    roomSystemIds: roomSystemIdsSchema.optional(),
  })
  .refine((v) => Object.values(v).some((value) => value !== undefined), 'Nothing to change');
export type UpdateMeetingRequest = z.infer<typeof updateMeetingRequestSchema>;

/** A meeting passcode (MEET-PASSCODE): 4 to 12 digits. */
export const passcodeSchema = z.string().regex(/^\d{4,12}$/, 'A passcode is 4 to 12 digits');

/** PUT /api/meetings/:id/passcode: sets or changes the passcode (DELETE removes it). */
export const setPasscodeRequestSchema = z.object({ passcode: passcodeSchema });
export type SetPasscodeRequest = z.infer<typeof setPasscodeRequestSchema>;

/** A schedule as the server tells it back: instants in UTC (ISO-8601), and the owner's time zone. */
const meetingScheduleViewSchema = z.object({
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  timeZone: z.string(),
});

/**
 * A meeting as its owner (or an invitee, ADM-INVITE) sees it. A schema rather than an interface: the
 * platform API's OpenAPI document describes its answers from it (docs/api.md).
 */
export const meetingViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    /** Short numeric extension, unique in the organisation. */
    extension: z.string().describe('Short numeric extension, unique in the organisation'),
    /** Absolute join link, e.g. https://meet.example.org/m/<id>. */
    joinUrl: z.string().describe('Absolute join link'),
    ownerId: z.string(),
    /** End-to-end encrypted: media and keys are beyond the server's reach (E2EE-OPTIN). */
    e2ee: z.boolean(),
    /** Joining needs a passcode (MEET-PASSCODE); the passcode itself is never shown again. */
    hasPasscode: z.boolean(),
    /** One-time (MEET-ONETIME): deleted after the last participant leaves, its link then dead. */
    oneTime: z.boolean(),
    /** Left out of the directory (MEET-HIDE); always for a one-time meeting. */
    hidden: z.boolean(),
    /** Who waits in the lobby until a moderator admits them (MEET-LOBBY). */
    lobby: lobbyModeSchema,
    /** Moderators may start and stop recordings too, not only the owner (REC-START). */
    recordingByModerators: z.boolean(),
    /** Enabled for live streaming by a Superuser or Administrator (STREAM-TOGGLE). */
    streaming: z.boolean(),
    createdAt: z.iso.datetime(),
    /** When it is planned for (ADM-CALENDAR); null: it has no time. */
    schedule: meetingScheduleViewSchema.nullable(),
    /** Who is invited (ADM-INVITE), by name; told to those who manage it only (empty for an invitee). */
    invitees: z.array(meetingInviteeSchema),
    /** The room systems invited (ADM-ROOMS): where it is held, told to everyone who sees it. */
    roomSystems: z.array(meetingRoomSystemSchema),
    /**
     * The caller may change and delete it (its owner, Superusers, Administrators). Without it the caller
     * is one of its invitees: they see it and its invitation, nothing more.
     */
    canManage: z.boolean(),
  })
  .meta({ id: 'Meeting' });
export type MeetingView = z.infer<typeof meetingViewSchema>;

/** What anyone holding the join link may learn before joining: GET /api/meetings/:id/public. */
export interface MeetingPublicView {
  id: string;
  name: string;
  organisationName: string;
  /** Every participant is told before joining that the meeting is end-to-end encrypted. */
  e2ee: boolean;
  /**
   * The identity public key of the owner's device that anchors the meeting's E2EE group (a raw
   * 65-byte P-256 point, base64url), so the join page can show its Codeword; null until one does.
   */
  ownerIdentityKey: string | null;
  /** Joining needs the meeting's passcode (the owner, Superusers and Administrators excepted). */
  passcodeRequired: boolean;
  /** Whether guests (`guests`) or everyone but moderators (`everyone`) wait for a moderator to let them in. */
  lobby: LobbyMode;
  /** The layout the meeting opens in for whoever has not chosen one (the organisation's setting, MEET-LAYOUT). */
  defaultLayout: DefaultLayout;
  /** Being recorded now, by whom and since when (REC-NOTICE): a person decides before joining. */
  recording: CaptureNotice | null;
  /** Streamed live now, by whom and since when. */
  streaming: CaptureNotice | null;
}

/** The layouts an organisation can make the default (the presentation layout comes with a screen share). */
export type DefaultLayout = 'gallery' | 'speaker';

/**
 * MEET-DIRECTORY: what the people of an organisation can find of each other: people, meetings and
 * room systems (ADM-ROOMS).
 */
export const DIRECTORY_KINDS = ['user', 'meeting', 'room'] as const;
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

/** Entries of each kind a search returns at most; narrower search text finds the rest. */
export const DIRECTORY_LIMIT = 50;

/** GET /api/directory?q=…&kind=…: everything of the caller's organisation that the text occurs in. */
export const directoryQuerySchema = z.object({
  /** Matched case-insensitively, as a plain substring (% and _ are no wildcards); empty lists all. */
  q: textSchema({ label: 'Search text', min: 0, max: 100 }).optional(),
  /** Only entries of this kind. */
  kind: z.enum(DIRECTORY_KINDS).optional(),
});
export type DirectoryQuery = z.input<typeof directoryQuerySchema>;

/** Both kinds of entry say whether the caller may hide or show them (MEET-HIDE). */
interface DirectoryEntryBase {
  /**
   * Left out of the directory. Only those who may show it again see a hidden entry at all: the owner of
   * a meeting, Superusers and Administrators; for a hidden Administrator, only that Administrator.
   */
  hidden: boolean;
  /** The caller may hide or show this entry; never for a one-time meeting, which stays hidden. */
  canHide: boolean;
}

export interface DirectoryUserEntry
  extends DirectoryEntryBase, Pick<UserView, 'id' | 'displayName' | 'email' | 'role'> {
  kind: 'user';
}

export interface DirectoryMeetingEntry
  extends
    DirectoryEntryBase,
    Pick<
      MeetingView,
      | 'id'
      | 'name'
      | 'description'
      | 'extension'
      | 'joinUrl'
      | 'e2ee'
      | 'hasPasscode'
      | 'oneTime'
      | 'streaming'
    > {
  kind: 'meeting';
  ownerName: string;
  /** The caller may enable or disable live streaming for it (STREAM-TOGGLE: Superusers, Administrators). */
  canSetStreaming: boolean;
}

/** A meeting-room device (ADM-ROOMS); revoked ones are not listed. */
export interface DirectoryRoomEntry extends DirectoryEntryBase {
  kind: 'room';
  id: string;
  name: string;
  /** The person it is associated with, if any. */
  associatedUserName: string | null;
}

export type DirectoryEntry = DirectoryUserEntry | DirectoryMeetingEntry | DirectoryRoomEntry;

export interface DirectoryView {
  /** People, then meetings, then room systems, each sorted by name; at most DIRECTORY_LIMIT of each. */
  entries: DirectoryEntry[];
  /** Kinds that had more matches than DIRECTORY_LIMIT. */
  truncated: DirectoryKind[];
}

/**
 * PATCH /api/users/:id: hides or shows a person in the directory. Superusers and Administrators may,
 * for Users and Superusers; an Administrator also for themself. The answer is the caller's entry for them.
 */
export const updateUserRequestSchema = z.object({ hidden: z.boolean() });
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

export const guestTokenRequestSchema = z.object({ displayName: displayNameSchema });
export type GuestTokenRequest = z.infer<typeof guestTokenRequestSchema>;

/** POST /api/meetings/:id/guests: a short-lived token that lets a named guest join that one meeting. */
export interface GuestTokenView {
  token: string;
  expiresAt: string;
}

/** GET /api/health, liveness: 200 whenever the process answers; the parts' state is in the body. */
export interface HealthView {
  status: 'ok' | 'degraded';
  database: 'ready' | 'unavailable';
  media: 'ready' | 'starting' | 'unavailable';
  /** Only where Redis is configured (CONCLAVE_REDIS_URL): the limits shared by every node. */
  redis?: 'ready' | 'unavailable';
  /** Only where Conclave runs its own TURN relay (NET-TURN). */
  turn?: 'ready' | 'starting' | 'unavailable';
}

/**
 * One destination browsers connect to (NET-FQDN): what a firewall must let out. `ports` is one port or
 * a range ("20000-40000"); `tls` is TCP carrying TLS (TURN over TLS).
 */
export interface NetworkEndpoint {
  purpose: 'web' | 'region-probe' | 'relay' | 'media';
  host: string;
  ports: string;
  protocol: 'tcp' | 'udp' | 'tls';
}

/** GET /api/network/endpoints: generated from the running configuration, so always current. */
export interface NetworkEndpointsView {
  endpoints: NetworkEndpoint[];
}

/** GET /api/ready, for load balancers: 200 when every part is ready, 503 naming the part that is not. */
export interface ReadinessView {
  /** `draining`: the node is shutting down (SIGTERM) and hands its meetings over; send nothing new. */
  status: 'ready' | 'not_ready' | 'draining';
  database: 'ready' | 'unavailable';
  media: 'ready' | 'starting' | 'unavailable';
  /** Reported, but not part of readiness: see GET /api/ready in server/src/http/health.ts. */
  redis?: 'ready' | 'unavailable';
  /** Reported likewise. */
  turn?: 'ready' | 'starting' | 'unavailable';
}
