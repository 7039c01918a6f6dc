import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

/**
 * PRIV-MINIMAL: SPEC.md allows display name, email and password hash (non-SSO) as stored personal data
 * about people other than Administrators; Administrators may also have first and last name,
 * telephone, address and company, which this product does not ask for, so it stores none of them.
 *
 * Below is every table and column of the database, each column reviewed once: `personal` names those
 * holding personal data and which kind; `rest` holds ids, times, states, hashes of secrets and the
 * organisation's own content. A column added anywhere fails this test until it is reviewed here.
 *
 * Two kinds go beyond SPEC's list of fields, and why: `written` is what people write to each other
 * (chat), sealed at rest under the organisation's data key (CHAT-AT-REST), not a field about them;
 * `address` is the client address the audit log records actions from (ADM-AUDIT). Both are erased
 * with the person (PRIV-EXPORT, users/erasure.ts).
 */
type Personal = 'email' | 'display name' | 'password hash' | 'display name <email>' | 'written' | 'address';

/** SPEC's fields for everyone, and the two kinds explained above. */
const ALLOWED: ReadonlySet<Personal> = new Set<Personal>([
  'email',
  'display name',
  'password hash',
  'display name <email>',
  'written',
  'address',
]);

interface Reviewed {
  personal?: Record<string, Personal>;
  /** The other columns, separated by spaces. */
  rest: string;
}

const SCHEMA: Record<string, Reviewed> = {
  organisations: { rest: 'id name created_at contract_ended_at' },
  installation: { rest: 'id organisation_id completed_at' },
  users: {
    personal: { email: 'email', display_name: 'display name', password_hash: 'password hash' },
    rest: 'id organisation_id role hidden revoked_at created_at',
  },
  sessions: {
    // device: "Firefox on Windows", for the account page.
    rest: 'id token_hash csrf_token user_id created_at last_seen_at expires_at device second_factor_setup',
  },
  trusted_devices: { rest: 'id token_hash user_id created_at last_used_at' },
  meetings: {
    rest:
      'id organisation_id owner_id name description extension e2ee e2ee_anchor_key passcode_hash one_time ' +
      'started_at hidden lobby recording_by_moderators streaming created_at updated_at starts_at ends_at time_zone',
  },
  ended_meetings: { rest: 'id organisation_id ended_at' },
  // A guest is one of the "others": a display name, for one meeting, until the token expires; which
  // API key's system let them in, if one did (the SDK's guests); whether the SIP gateway did, for a SIP
  // endpoint or a phone (`sip`/`phone`, no number: a phone's display name is already masked).
  guest_tokens: {
    personal: { display_name: 'display name' },
    rest: 'id token_hash meeting_id created_at expires_at api_key_id via',
  },
  setup_token: { rest: 'id token_hash created_at' },
  // Names are copied in ("Ada Admin", "Bob <bob@…>") so that a rename does not rewrite history.
  audit_events: {
    personal: { actor_name: 'display name', target_name: 'display name <email>', client_ip: 'address' },
    rest: 'id organisation_id at actor_id action target_kind target_id details',
  },
  organisation_settings: { rest: 'organisation_id section value updated_at' },
  sso_configs: {
    rest:
      'organisation_id protocol sso_only oidc_issuer oidc_client_id oidc_client_secret saml_entity_id ' +
      'saml_sso_url saml_certificates saml_idp_initiated updated_at',
  },
  sso_attempts: { rest: 'id token_hash organisation_id state nonce code_verifier next expires_at' },
  saml_requests: { rest: 'id organisation_id next expires_at' },
  saml_assertions_seen: { rest: 'organisation_id assertion_id expires_at' },
  password_resets: { rest: 'user_id token_hash expires_at created_at' },
  totp_factors: { rest: 'user_id secret confirmed_at last_step created_at' },
  recovery_codes: { rest: 'id user_id code_hash used_at' },
  sign_in_challenges: { rest: 'id token_hash user_id device_id attempts expires_at' },
  // The address an invitation went to, until it is accepted, revoked or expires.
  invitations: {
    personal: { email: 'email' },
    rest: 'id organisation_id role token_hash invited_by created_at expires_at',
  },
  passkeys: { rest: 'id user_id public_key counter transports name created_at last_used_at' },
  passkey_challenges: { rest: 'challenge user_id purpose expires_at' },
  calls: {
    rest: 'id organisation_id kind caller_id callee_id callee_room_id meeting_id state created_at expires_at ended_at seen',
  },
  data_keys: { rest: 'id organisation_id master_key_id wrapped created_at' },
  conversations: {
    rest: 'id organisation_id kind name direct_pair created_by created_at last_message_at',
  },
  conversation_members: { rest: 'conversation_id user_id joined_at read_up_to' },
  chat_messages: {
    personal: { body: 'written' },
    rest: 'id conversation_id author_id created_at edited_at',
  },
  // While the meeting lasts.
  meeting_chat_messages: {
    personal: { display_name: 'display name', body: 'written' },
    rest: 'id meeting_id participant_id created_at',
  },
  recordings: {
    personal: { started_by_name: 'display name' },
    rest:
      'id organisation_id meeting_id meeting_name owner_id started_by_id started_at ended_at status size ' +
      'store visibility link_hash',
  },
  recording_viewers: { rest: 'recording_id user_id' },
  // Call records name people by id only (PRIV-CDR).
  call_records: { rest: 'id organisation_id meeting_id started_at ended_at' },
  call_participants: {
    rest:
      'id call_id organisation_id participant_id subject first_of_call joined_at left_at seen_at ' +
      'media_server region',
  },
  usage_sums: { rest: 'organisation_id span start dimension key held participants seconds' },
  // Which node runs a job now (PRIV-RETENTION): a node's id, nobody's.
  job_leases: { rest: 'name holder expires_at' },
  // The organisation's logo and wallpaper: its own content, about nobody.
  organisation_images: { rest: 'organisation_id kind content_type bytes sha256 updated_at' },
  // A meeting room's screen: its name is the organisation's ("Boardroom"), not a person's.
  room_systems: {
    rest:
      'id organisation_id name associated_user_id hidden revoked_at session_id session_token_hash ' +
      'created_at last_seen_at announced_presence auto_join',
  },
  // A room system booked for a scheduled meeting (ADM-CALENDAR): two ids.
  meeting_room_systems: { rest: 'meeting_id room_system_id' },
  // A room system went offline or came back (ADM-ROOMS): ids and a time.
  event_alerts: { rest: 'id organisation_id kind room_system_id at mailed' },
  room_pairings: { rest: 'id code_hash device_token_hash created_at expires_at room_system_id' },
  meeting_invitees: { rest: 'meeting_id user_id' },
  // A digest of the feed's secret token (ADM-CALENDAR).
  calendar_feeds: { rest: 'user_id token_hash created_at' },
  // A digest of the API key, its visible prefix, what it may do and who made it (docs/api.md).
  api_keys: {
    rest: 'id organisation_id name scopes prefix key_hash created_by created_at last_used_at revoked_at',
  },
  // Webhook endpoints: another system's address and a sealed signing secret, about nobody.
  webhook_endpoints: { rest: 'id organisation_id url description events secret enabled created_at' },
  // A delivery's body names the participant it is about, for 30 days (webhooks/worker.ts).
  webhook_deliveries: {
    personal: { payload: 'display name' },
    rest:
      'id endpoint_id organisation_id event_id type status attempts next_attempt_at lease_holder ' +
      'lease_until last_attempt_at response_status error created_at',
  },
  webhook_settings: { rest: 'organisation_id allow_private_targets updated_at' },
};

const columnsOf = (r: Reviewed) => [...Object.keys(r.personal ?? {}), ...r.rest.split(' ')].sort();

describeEachDatabase('PRIV-MINIMAL: what is stored about a person', (kind) => {
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase(kind);
  });
  after(() => database?.close());

  test('PRIV-MINIMAL: every table holds the columns reviewed for personal data, and no other', async () => {
    const tables = await database.db.introspection.getTables();
    assert.deepEqual(
      tables.map((t) => t.name).sort(),
      Object.keys(SCHEMA).sort(),
      'a new table needs reviewing here first',
    );
    for (const table of tables) {
      assert.deepEqual(
        table.columns.map((c) => c.name).sort(),
        columnsOf(SCHEMA[table.name]!),
        `${table.name}: a new column needs reviewing here (and SPEC.md to allow it, if it is about people)`,
      );
    }
  });

  test('PRIV-MINIMAL: personal data is only display name, email and password hash (and written, sealed text)', () => {
    const kinds = Object.entries(SCHEMA).flatMap(([table, r]) =>
      Object.entries(r.personal ?? {}).map(([column, kind]) => ({ where: `${table}.${column}`, kind })),
    );
    for (const { where, kind } of kinds) assert.ok(ALLOWED.has(kind), `${where}: ${kind}`);
    // Only the account holds a password hash; the email of someone with an account is nowhere else.
    assert.deepEqual(
      kinds.filter((k) => k.kind === 'password hash').map((k) => k.where),
      ['users.password_hash'],
    );
    assert.deepEqual(
      kinds.filter((k) => k.kind === 'email').map((k) => k.where),
      ['users.email', 'invitations.email'],
    );
    // None of the Administrator-only fields is asked for, so none is stored.
    const all = Object.values(SCHEMA).flatMap(columnsOf).join(' ');
    assert.doesNotMatch(all, /first_name|last_name|phone|postal|street|company/);
  });
});
