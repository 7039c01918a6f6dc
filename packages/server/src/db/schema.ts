import type { ColumnType } from 'kysely';
import type { LobbyMode, RecordingVisibility, Role } from '@conclave/protocol';

/**
 * The database as Kysely sees it. Portable between SQLite and PostgreSQL: ids are text (UUIDv7),
 * timestamps are ISO-8601 UTC text (they sort and compare as strings), no booleans, no native enums.
 * Personal data is limited to what PRIV-MINIMAL allows.
 */
export interface Database {
  organisations: OrganisationTable;
  installation: InstallationTable;
  users: UserTable;
  sessions: SessionTable;
  meetings: MeetingTable;
  ended_meetings: EndedMeetingTable;
  guest_tokens: GuestTokenTable;
  setup_token: SetupTokenTable;
  trusted_devices: TrustedDeviceTable;
  audit_events: AuditEventTable;
  organisation_settings: OrganisationSettingTable;
  sso_configs: SsoConfigTable;
  sso_attempts: SsoAttemptTable;
  saml_requests: SamlRequestTable;
  saml_assertions_seen: SamlAssertionSeenTable;
  password_resets: PasswordResetTable;
  totp_factors: TotpFactorTable;
  recovery_codes: RecoveryCodeTable;
  sign_in_challenges: SignInChallengeTable;
  invitations: InvitationTable;
  passkeys: PasskeyTable;
  passkey_challenges: PasskeyChallengeTable;
  calls: CallTable;
  data_keys: DataKeyTable;
  conversations: ConversationTable;
  conversation_members: ConversationMemberTable;
  chat_messages: ChatMessageTable;
  meeting_chat_messages: MeetingChatMessageTable;
  recordings: RecordingTable;
  recording_viewers: RecordingViewerTable;
  call_records: CallRecordTable;
  call_participants: CallParticipantTable;
  usage_sums: UsageSumTable;
  job_leases: JobLeaseTable;
  organisation_images: OrganisationImageTable;
  room_systems: RoomSystemTable;
  room_pairings: RoomPairingTable;
  event_alerts: EventAlertTable;
  meeting_invitees: MeetingInviteeTable;
  meeting_room_systems: MeetingRoomSystemTable;
  calendar_feeds: CalendarFeedTable;
  api_keys: ApiKeyTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_settings: WebhookSettingTable;
}

/** A chat conversation (CHAT-DIRECT): one per pair of people (`direct_pair`), or a named group. */
interface ConversationTable {
  id: string;
  organisation_id: string;
  kind: 'direct' | 'group';
  name: string | null;
  direct_pair: string | null;
  created_by: string | null;
  created_at: string;
  last_message_at: string | null;
}

/** Who is in a conversation, and the newest message id they have read. */
interface ConversationMemberTable {
  conversation_id: string;
  user_id: string;
  joined_at: string;
  read_up_to: string | null;
}

/** A message; `body` sealed at rest (CHAT-AT-REST), null once deleted. Ids sort by time (UUIDv7). */
interface ChatMessageTable {
  id: string;
  conversation_id: string;
  author_id: string;
  body: string | null;
  created_at: string;
  edited_at: string | null;
}

/** A meeting's chat (CHAT-MEETING) while the meeting lasts; `body` sealed at rest. */
interface MeetingChatMessageTable {
  id: string;
  meeting_id: string;
  participant_id: string;
  display_name: string;
  body: string;
  created_at: string;
}

/**
 * An organisation's data key (CHAT-AT-REST), only as wrapped by a master key (AES-256-GCM, base64);
 * `master_key_id` names which, by a digest of it.
 */
interface DataKeyTable {
  id: string;
  organisation_id: string;
  master_key_id: string;
  wrapped: string;
  created_at: string;
}

/** A call (MEET-CALL, MEET-ADD); rows older than 30 days are deleted (calls/service.ts). */
interface CallTable {
  id: string;
  organisation_id: string;
  kind: 'direct' | 'add';
  caller_id: string;
  /** The person rung; null when it rings a room system instead (MEET-ADD). */
  callee_id: string | null;
  callee_room_id: string | null;
  meeting_id: string | null;
  state: 'ringing' | 'accepted' | 'declined' | 'missed';
  created_at: string;
  expires_at: string;
  ended_at: string | null;
  /** 1 once the callee marked a missed call seen. */
  seen: 0 | 1;
}

/** A passkey (WebAuthn credential) a person registered; its private key never leaves their device. */
interface PasskeyTable {
  /** The credential id, base64url: what the browser names when it signs in with it. */
  id: string;
  user_id: string;
  /** COSE public key, base64url. */
  public_key: string;
  /** The signature counter it last reported (PostgreSQL's bigint reads back as text). */
  counter: ColumnType<number | string, number, number>;
  /** JSON array of how the browser reaches it ("internal", "usb", "hybrid"…): a hint, nothing more. */
  transports: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/**
 * A WebAuthn challenge handed out and not answered yet: it serves once, for its purpose (and the
 * person, when one is known), until it expires. The value went to a browser already; it is no secret.
 */
interface PasskeyChallengeTable {
  challenge: string;
  /** Null for a sign-in with a passkey alone: who it is comes with the answer. */
  user_id: string | null;
  purpose: PasskeyChallengePurpose;
  expires_at: string;
}

/** `confirm`: a signed-in person's passkey stands in for their current password (see factors/). */
export type PasskeyChallengePurpose = 'register' | 'sign-in' | 'second-factor' | 'confirm';

/**
 * An invitation to join the organisation, pending until it is accepted (the row goes), revoked,
 * replaced by a newer one for the same address, or expired. The link's token is never stored.
 */
interface InvitationTable {
  id: string;
  organisation_id: string;
  /** Lower-cased, as account emails are; one pending invitation per organisation and address. */
  email: string;
  role: Exclude<Role, 'administrator'>;
  /** SHA-256 of the link's token: a database dump holds no link that works. */
  token_hash: string;
  /** Who invited; null once their account is deleted. */
  invited_by: string | null;
  created_at: string;
  expires_at: string;
}

/**
 * An organisation's identity provider (IAM-SSO-SAML, IAM-SSO-OIDC): the columns of its protocol are
 * set, the other protocol's are null.
 */
interface SsoConfigTable {
  organisation_id: string;
  protocol: 'oidc' | 'saml';
  sso_only: 0 | 1;
  oidc_issuer: string | null;
  oidc_client_id: string | null;
  /** Never returned by the API nor logged; null for a public client. */
  oidc_client_secret: string | null;
  saml_entity_id: string | null;
  saml_sso_url: string | null;
  /** The identity provider's signing certificates, PEM, one after another. */
  saml_certificates: string | null;
  saml_idp_initiated: 0 | 1 | null;
  updated_at: string;
}

/**
 * A SAML AuthnRequest sent and not answered yet: its ID is what the answer's InResponseTo must name,
 * once, before it expires; and where the person was going.
 */
interface SamlRequestTable {
  id: string;
  organisation_id: string;
  next: string;
  expires_at: string;
}

/** Assertions already used to sign in, kept until they would have expired anyway: none serves twice. */
interface SamlAssertionSeenTable {
  organisation_id: string;
  assertion_id: string;
  expires_at: string;
}

/**
 * A sign-in that went to the identity provider and has not come back yet: what the callback checks
 * (state, nonce, PKCE verifier). The browser holds only a random token whose hash is the key; an
 * attempt is used once and expires in minutes.
 */
interface SsoAttemptTable {
  id: string;
  token_hash: string;
  organisation_id: string;
  state: string;
  nonce: string;
  code_verifier: string;
  /** Where the person goes once signed in (a path of this site). */
  next: string;
  expires_at: string;
}

/**
 * A password reset mailed and not used yet: at most one per account (a new request replaces it);
 * only the hash of the link's token is kept, and it serves once before it expires.
 */
interface PasswordResetTable {
  user_id: string;
  token_hash: string;
  expires_at: string;
  created_at: string;
}

/**
 * An authenticator app (TOTP, RFC 6238). Unconfirmed (confirmed_at null) until a code from it was
 * given; last_step is the last time step used, so no code serves twice.
 */
interface TotpFactorTable {
  user_id: string;
  /** Base32; the server must compute codes from it, so it is kept as is (like the SSO client secret). */
  secret: string;
  confirmed_at: string | null;
  last_step: number | null;
  created_at: string;
}

/** One-time recovery codes: only their SHA-256 (they carry 80 random bits). */
interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

/**
 * A sign-in whose password was right and whose second factor has not come yet: the browser holds a
 * random token (its hash is kept) for 5 minutes and a few attempts.
 */
interface SignInChallengeTable {
  id: string;
  token_hash: string;
  user_id: string;
  /** The trusted browser the password came from, to remember once the sign-in completes. */
  device_id: string | null;
  attempts: number;
  expires_at: string;
}

/** One section of an organisation's settings (ADM-SETTINGS) as JSON; a section without a row has its default. */
interface OrganisationSettingTable {
  organisation_id: string;
  section: string;
  value: string;
  updated_at: string;
}

/**
 * The audit log (ADM-AUDIT): security-relevant actions, who did them, when and from where. The
 * application inserts and reads rows and changes them in one case only: when an account is deleted,
 * every name, address and id of the person in it becomes "Deleted person" under a random placeholder
 * id (PRIV-EXPORT, users/erasure.ts), so the log keeps what was done, and that one person did it, but
 * no longer who they were. Names are copied in so that a rename does not rewrite history; only the
 * deletion of the whole organisation takes its log along.
 */
interface AuditEventTable {
  id: string;
  organisation_id: string;
  at: string;
  /** Null when nobody signed in did it (the system itself). */
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_kind: string;
  target_id: string | null;
  target_name: string;
  /** A JSON object: what changed (never a secret: no passcode, password or token). */
  details: string;
  client_ip: string;
}

/**
 * What is left of a one-time meeting that took place (or was never used): its link answers "this
 * meeting has ended" instead of "no such meeting". Nothing else of it is kept, and this goes too after
 * a while (see MeetingService.sweep).
 */
interface EndedMeetingTable {
  id: string;
  organisation_id: string;
  ended_at: string;
}

interface OrganisationTable {
  id: string;
  name: string;
  created_at: string;
  /**
   * When its contract ended (PRIV-RETENTION); null while it runs. 180 days later the organisation and
   * everything of it is deleted (retention/).
   */
  contract_ended_at: string | null;
}

/** A meeting-room screen (ADM-ROOMS), registered by pairing; its screen's session is on the row. */
interface RoomSystemTable {
  id: string;
  organisation_id: string;
  name: string;
  /** The person it belongs with; null for nobody (and when that person is deleted). */
  associated_user_id: string | null;
  /** 1 when left out of the directory (the rule of `roomSystem.hide`). */
  hidden: 0 | 1;
  /** When its access was revoked (IAM-REVOKE); null while it has it. */
  revoked_at: string | null;
  /** Its screen's session: an id for live connections to end by, and the cookie token's hash. */
  session_id: string | null;
  session_token_hash: string | null;
  created_at: string;
  /** When its screen last checked in; presence is read from it. */
  last_seen_at: string | null;
  /** What alerts last said of it (ADM-ROOMS); null until its presence was first noted. */
  announced_presence: 'online' | 'offline' | null;
  /** 1: its screen joins the meetings it is invited to by itself when they start (ADM-ROOMS). */
  auto_join: 0 | 1;
}

/** An event alert (ADM-ROOMS): a room system went offline or came back. */
interface EventAlertTable {
  id: string;
  organisation_id: string;
  kind: 'roomOffline' | 'roomOnline';
  room_system_id: string;
  at: string;
  mailed: number;
}

/** A screen showing a pairing code, until it is entered and the screen takes its session, or it expires. */
interface RoomPairingTable {
  id: string;
  /** SHA-256 of the code as shown. */
  code_hash: string;
  /** SHA-256 of the secret in the screen's pairing cookie. */
  device_token_hash: string;
  created_at: string;
  expires_at: string;
  room_system_id: string | null;
}

/**
 * A scheduled job that every node runs but one at a time (retention/lease.ts): `holder` has it until
 * `expires_at`; after that anyone may take it.
 */
interface JobLeaseTable {
  name: string;
  holder: string;
  expires_at: string;
}

/** The organisation's logo and room-system wallpaper (ADM-SETTINGS), checked before they are stored. */
interface OrganisationImageTable {
  organisation_id: string;
  kind: 'logo' | 'wallpaper';
  content_type: string;
  /** A Buffer from either database (SQLite blob, PostgreSQL bytea). */
  bytes: Buffer;
  /** Hex; the ETag it is served with. */
  sha256: string;
  updated_at: string;
}

/**
 * One row once first-run setup has completed. Its fixed primary key is what makes setup happen
 * exactly once, even when two setup requests race.
 */
interface InstallationTable {
  id: string;
  organisation_id: string;
  completed_at: string;
}

interface UserTable {
  id: string;
  organisation_id: string;
  /** Lower-cased; the username. Unique across the installation. */
  email: string;
  display_name: string;
  role: Role;
  /** Argon2id PHC string; null for accounts that will only sign in through SSO. */
  password_hash: string | null;
  /**
   * 1 when left out of the directory for everyone but those who may show them again (MEET-DIRECTORY):
   * Superusers and Administrators for a User or Superuser, only themself for an Administrator.
   */
  hidden: 0 | 1;
  /** When a Superuser or Administrator revoked this account's access (IAM-REVOKE); null while it has it. */
  revoked_at: string | null;
  created_at: string;
}

interface SessionTable {
  id: string;
  /** SHA-256 of the cookie's token: a database dump cannot be replayed as a login. */
  token_hash: string;
  csrf_token: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** "Firefox on Windows", for the account page; null until the browser made a request. */
  device: string | null;
  /** 1: the organisation requires a second factor and the person has none; this session may only set one up. */
  second_factor_setup: 0 | 1;
}

interface MeetingTable {
  id: string;
  organisation_id: string;
  owner_id: string;
  name: string;
  description: string;
  /** Six digits, unique within the organisation. */
  extension: string;
  /** 1 when the meeting is end-to-end encrypted (E2EE-OPTIN), else 0. */
  e2ee: 0 | 1;
  /**
   * The identity public key (raw 65-byte P-256 point, base64url) of the owner's device that anchors
   * the meeting's E2EE group; null until one does, and again whenever E2EE is switched.
   */
  e2ee_anchor_key: string | null;
  /** Argon2id hash (PHC string) of the meeting's passcode (MEET-PASSCODE); null when it has none. */
  passcode_hash: string | null;
  /** 1 for a one-time meeting (MEET-ONETIME): deleted once it has taken place. */
  one_time: 0 | 1;
  /** When someone first joined it; null until then. */
  started_at: string | null;
  /** 1 when left out of the directory (MEET-HIDE); always 1 for a one-time meeting. */
  hidden: 0 | 1;
  /** Who waits in the lobby (MEET-LOBBY). */
  lobby: LobbyMode;
  /** 1 when the owner lets moderators start and stop recordings (REC-START). */
  recording_by_moderators: 0 | 1;
  /** 1 when a Superuser or Administrator enabled live streaming for it (STREAM-TOGGLE). */
  streaming: 0 | 1;
  created_at: string;
  updated_at: string;
  /** When it is scheduled for (ISO, UTC), both or neither (ADM-CALENDAR); null when unscheduled. */
  starts_at: string | null;
  ends_at: string | null;
  /** The IANA time zone its owner scheduled it in, for telling the time in invitations. */
  time_zone: string | null;
}

/** People of the organisation invited to a meeting (ADM-INVITE): they see it, and it is in their feed. */
interface MeetingInviteeTable {
  meeting_id: string;
  user_id: string;
}

/** A room system invited to a meeting (ADM-ROOMS, ADM-CALENDAR): its screen lists it on its day. */
interface MeetingRoomSystemTable {
  meeting_id: string;
  room_system_id: string;
}

/** A person's calendar feed (ADM-CALENDAR): the SHA-256 (hex) of its secret token, never the token. */
/** A key of the platform API (docs/api.md): only its SHA-256 (hex) and a visible prefix are kept. */
interface ApiKeyTable {
  id: string;
  organisation_id: string;
  name: string;
  /** Its scopes, space-separated. */
  scopes: string;
  prefix: string;
  key_hash: string;
  created_by: string;
  created_at: string;
  /** Written at most once a minute per key. */
  last_used_at: string | null;
  /** Revoked keys are refused at once and no longer listed; the row stays for the audit log's sake. */
  revoked_at: string | null;
}

interface CalendarFeedTable {
  user_id: string;
  token_hash: string;
  created_at: string;
}

interface GuestTokenTable {
  id: string;
  token_hash: string;
  meeting_id: string;
  display_name: string;
  created_at: string;
  expires_at: string;
  /** The API key that issued it through the platform API (0046); null: a guest by link. */
  api_key_id: string | null;
  /** The SIP gateway's caller it was issued to (0047): `sip` or `phone`; null: anyone else. */
  via: 'sip' | 'phone' | null;
}

/** The one-time token that first-run setup needs; one row until setup completes. */
interface SetupTokenTable {
  id: string;
  token_hash: string;
  created_at: string;
}

/**
 * Browsers where a user has signed in before. Their cookie lets the owner sign in even while
 * strangers are guessing that account's password from elsewhere (see auth/sign-in-guard.ts).
 */
interface TrustedDeviceTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: string;
  last_used_at: string;
}

/** A recording of a meeting (REC-STORE): its bytes are sealed chunks in `store`, never here. */
interface RecordingTable {
  id: string;
  organisation_id: string;
  meeting_id: string;
  meeting_name: string;
  owner_id: string;
  /** A deleted person's is their random placeholder, and their name "Deleted person" (PRIV-EXPORT). */
  started_by_id: string;
  started_by_name: string;
  started_at: string;
  ended_at: string | null;
  status: 'recording' | 'ready' | 'failed';
  /** Bytes of the playable file (bigint: PostgreSQL hands it back as a string). */
  size: ColumnType<number | string, number | undefined, number>;
  store: string;
  visibility: ColumnType<RecordingVisibility, RecordingVisibility | undefined, RecordingVisibility>;
  link_hash: string | null;
}

/** Whom a recording shared with `people` is shared with (REC-ACCESS). */
interface RecordingViewerTable {
  recording_id: string;
  user_id: string;
}

/** One time a meeting was held (PRIV-CDR): from its first join until its room emptied. */
interface CallRecordTable {
  id: string;
  organisation_id: string;
  meeting_id: string;
  started_at: string;
  ended_at: string | null;
}

/** One participation in a call (PRIV-CDR): who (by id only), when, on which media server. */
interface CallParticipantTable {
  id: string;
  call_id: string;
  organisation_id: string;
  participant_id: string;
  /** u:<user id> | g:<guest id> | r:<room system id> | x:<placeholder of a deleted person> */
  subject: string;
  first_of_call: 0 | 1;
  joined_at: string;
  left_at: string | null;
  seen_at: string;
  media_server: string | null;
  region: string | null;
}

/** Usage summed per UTC hour, day and month, by organisation, meeting or subject (ADM-USAGE). */
interface UsageSumTable {
  organisation_id: string;
  span: 'hour' | 'day' | 'month';
  /** The span's first instant, ISO (…T13:00:00.000Z). */
  start: string;
  dimension: 'organisation' | 'meeting' | 'subject';
  /** '' for the organisation; a meeting id; u:<user id> | guest | r:<room system id> | x:<placeholder>. */
  key: string;
  held: ColumnType<number, number | undefined, number>;
  participants: ColumnType<number, number | undefined, number>;
  /** bigint: PostgreSQL hands it back as a string. */
  seconds: ColumnType<number | string, number | undefined, number>;
}

/** An endpoint the organisation's events are sent to (webhooks). */
interface WebhookEndpointTable {
  id: string;
  organisation_id: string;
  url: string;
  description: string;
  /** Event types, separated by spaces. */
  events: string;
  /** The signing secret, sealed under the organisation's data key. */
  secret: string;
  enabled: 0 | 1;
  created_at: string;
}

/** One event for one endpoint: the durable queue of deliveries. */
interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  organisation_id: string;
  event_id: string;
  type: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  lease_holder: string | null;
  lease_until: string | null;
  last_attempt_at: string | null;
  response_status: number | null;
  error: string | null;
  created_at: string;
}

interface WebhookSettingTable {
  organisation_id: string;
  allow_private_targets: 0 | 1;
  updated_at: string;
}
