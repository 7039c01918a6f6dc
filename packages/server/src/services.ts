import type { Kysely } from 'kysely';
import {
  Authenticator,
  AuthService,
  GUEST_TOKEN_WINDOW_MS,
  PasswordResets,
  PrincipalResolver,
  type AuthOptions,
} from './auth';
import { noMailer, type Mailer } from './mail';
import { systemClock, type Clock } from './common/clock';
import { memoryLimiters, type WindowLimiter } from './common/rate-limit';
import type { Database } from './db';
import { AccountService, PersonalData, PersonalDataStore } from './account';
import { AuditLog, AuditStore, CaptureAuditLog } from './audit';
import { DirectoryService, DirectoryStore } from './directory';
import {
  Confirmations,
  FactorCheck,
  FactorStore,
  PasskeyAssertions,
  PasskeyChallenges,
  Passkeys,
  PasskeySignIn,
  PasskeyStore,
  RelyingParty,
  SecondFactors,
} from './factors';
import { OrganisationSettings, SettingsStore } from './settings';
import { Branding, OrganisationImageStore } from './branding';
import { SingleSignOn, SsoStore, type SsoOptions } from './sso';
import { Invitations, InvitationStore, UserAdministration, UserStore } from './users';
import {
  DomainEvents,
  type CaptureAudit,
  type CapturePolicy,
  type MeetingChatLog,
  type PrincipalSource,
} from './domain';
import { MeetingService, MeetingStore, PasscodeGate, type PasscodeLimits } from './meetings';
import { redisLimiters, type RedisConnection } from './redis';
import { CallService, CallStore, type CallOptions } from './calls';
import { DataKeys, Vault, type MasterKeys } from './at-rest';
import { ChatService, ChatStore, MeetingChatStore, SealedMeetingChat, type ChatOptions } from './chat';
import { LiveStreams } from './recording/live/live-streams';
import { RecordingService } from './recording/service';
import { RecordingStorages } from './recording/storages';
import type { RecordingStores } from './recording/storage/config';
import { RecordingStore } from './recording/store';
import { CallRecordLedger, CallRecordStore, UsageReports } from './reports';
import { AlertStore, RoomPresenceAlerts } from './alerts';
import { JobLeases, OrganisationContracts, OrganisationPurge, RetentionStore } from './retention';
import {
  RoomCookies,
  RoomPairing,
  RoomDay,
  RoomSessions,
  RoomSystemAdministration,
  RoomSystemStore,
  defaultPairingLimits,
  roomTokenOf,
  type PairingLimits,
} from './room-systems';
import { CalendarService, CalendarStore, type InstallationDialIn } from './calendar';
import { ApiKeys, ApiKeyStore } from './api-keys';
import {
  WebhookAdministration,
  WebhookOutbox,
  WebhookStore,
  WebhookWorker,
  systemLookup,
  type HostLookup,
  type WorkerOptions,
} from './webhooks';

export interface ServiceDeps {
  /** Migrated already (see migrateToLatest); owned and closed by the caller. */
  db: Kysely<Database>;
  publicUrl: string;
  clock?: Clock;
  /**
   * Redis shared by every node (CONCLAVE_REDIS_URL), owned and closed by the caller: rate limits are
   * kept there. Without it they are kept in this process (the embedded default).
   */
  redis?: RedisConnection | null;
  /** Rate limits, session lifetimes and guest-token lifetime; defaults suit production. */
  auth?: AuthOptions;
  /**
   * Guest tokens one client address may be issued per 10 minutes (CONCLAVE_GUESTS_PER_ADDRESS); `auth`'s
   * own limit, when it names one, wins.
   */
  guestTokensPerAddress?: number;
  /** Limits on wrong meeting passcodes; defaults suit production. */
  passcodeLimits?: PasscodeLimits;
  /** A one-time meeting nobody joined is deleted after this long (default 30 days). */
  oneTimeUnusedMs?: number;
  /** Single sign-on options (tests allow an http:// identity provider on loopback). */
  sso?: Omit<SsoOptions, 'publicUrl' | 'limiters'>;
  /** Ringing time and limits of calls (MEET-CALL); defaults suit production. */
  calls?: CallOptions;
  /** Sending limits of chat (CHAT-DIRECT); defaults suit production. */
  chat?: ChatOptions;
  /** What wraps the organisations' data keys (CHAT-AT-REST): see at-rest/master-keys.ts. */
  masterKeys: MasterKeys;
  /** Where recordings are sealed (REC-STORE), by store name; none by default. */
  recordingStores?: RecordingStores;
  /** Outgoing mail (password reset links); none by default. */
  mailer?: Mailer;
  /** Pairing codes of room systems: lifetime and limits (ADM-ROOMS); defaults suit production. */
  roomPairing?: Partial<PairingLimits>;
  /** Requests one API key may make per minute (docs/api.md); a default that suits production. */
  apiKeyRequestsPerMinute?: number;
  /** The SIP gateway's trunk numbers and domain for invitations (installationDialInOf); none by default. */
  installationDialIn?: InstallationDialIn | null;
  /** Where a failing domain-event listener is reported. */
  onEventListenerError?: (err: unknown, event: string) => void;
  /** Where work that went on after its request was answered reports a failure. */
  onBackgroundError?: (err: unknown, what: string) => void;
  /**
   * Webhooks: how host names are resolved (tests give names of their own) and the workers' timing;
   * defaults suit production.
   */
  webhooks?: { lookup?: HostLookup; worker?: Partial<WorkerOptions> };
}

/** Every domain service of the control plane, built once and shared by HTTP routes and signaling. */
export interface Services {
  db: Kysely<Database>;
  clock: Clock;
  /** Where shared state lives when there are several nodes; null in the embedded default. */
  redis: RedisConnection | null;
  /** Sign-outs, deleted meetings: what live connections must react to. */
  events: DomainEvents;
  auth: AuthService;
  /** Binds sessions to HTTP requests (cookie, CSRF). */
  authenticator: Authenticator;
  /** Who holds a signaling socket; reads the same session store as the authenticator. */
  principals: PrincipalSource;
  meetings: MeetingService;
  meetingStore: MeetingStore;
  /** The passcode check at a meeting's door (the signaling join). */
  meetingEntry: PasscodeGate;
  /** Searching the organisation's people and meetings, and hiding people from it. */
  directory: DirectoryService;
  /** The organisation's people as Superusers and Administrators manage them. */
  users: UserAdministration;
  /** Invitations to join the organisation, and the accounts they lead to. */
  invitations: Invitations;
  /** Security-relevant actions, as they are done (ADM-AUDIT). */
  audit: AuditLog;
  /** The organisation's settings (ADM-SETTINGS). */
  settings: OrganisationSettings;
  /** The organisation's colours, logo and room-system wallpaper (ADM-SETTINGS), shown to everyone. */
  branding: Branding;
  /** The organisation's contract, as its Administrator ends or resumes it (PRIV-RETENTION). */
  contracts: OrganisationContracts;
  /** Deleting the organisations whose contract ended long enough ago (PRIV-RETENTION). */
  organisationPurge: OrganisationPurge;
  /** Scheduled jobs taken by one node at a time. */
  jobLeases: JobLeases;
  /** Signing in through the organisation's identity provider (IAM-SSO-SAML, IAM-SSO-OIDC). */
  sso: SingleSignOn;
  /** "Forgot password?": links mailed to the account's address (IAM-LOCAL). */
  passwordResets: PasswordResets;
  /** A signed-in person's own account: name, password, sessions. */
  account: AccountService;
  /** What is stored about a person, for them to download (PRIV-EXPORT). */
  personalData: PersonalData;
  /** Calls between people, and ringing people into running meetings (MEET-CALL, MEET-ADD). */
  calls: CallService;
  /** The organisations' data keys, wrapped by the master key (CHAT-AT-REST). */
  dataKeys: DataKeys;
  /** Seals data under each organisation's data key (CHAT-AT-REST, REC-STORE). */
  vault: Vault;
  /** What recordings there are and where their sealed bytes are (REC-STORE). */
  recordings: RecordingStore;
  /** The recording stores by name (REC-STORE). */
  recordingStorages: RecordingStorages;
  /** Recordings as people find, watch and share them (REC-ACCESS). */
  recordingAccess: RecordingService;
  /** The live streams of this node's meetings (STREAM-LIVE). */
  liveStreams: LiveStreams;
  /** Conversations between people of an organisation (CHAT-DIRECT). */
  chat: ChatService;
  /** Each meeting's chat while it lasts (CHAT-MEETING), for its room. */
  meetingChat: MeetingChatLog;
  /** What the organisation and each meeting allow of recording and streaming, for its room. */
  capturePolicy: CapturePolicy;
  /** Each recording and live stream started and ended, into the audit log (ADM-AUDIT). */
  captureAudit: CaptureAudit;
  /** Who was in which meeting when (PRIV-CDR), as rooms report it. */
  callLedger: CallRecordLedger;
  /** Usage reports from the call records (ADM-USAGE). */
  usageReports: UsageReports;
  /** The organisation's room systems, as its administration manages them (ADM-ROOMS). */
  roomSystems: RoomSystemAdministration;
  /** Room screens asking for pairing codes and taking their sessions (ADM-ROOMS). */
  roomPairing: RoomPairing;
  /** Room screens' sessions, behind their room cookie. */
  roomSessions: RoomSessions;
  roomSystemStore: RoomSystemStore;
  /** A room screen's day of meetings it is invited to (ADM-CALENDAR). */
  roomDay: RoomDay;
  /** Event alerts of room systems (ADM-ROOMS), read in the admin console. */
  alerts: AlertStore;
  /** Compares room systems' presence with what was announced, and alerts (ADM-ROOMS). */
  roomPresence: RoomPresenceAlerts;
  roomCookies: RoomCookies;
  /** Meetings a room screen looks up by extension, counted per room system. */
  roomMeetingLookups: WindowLimiter;
  /** A signed-in person's own second factors. */
  factors: SecondFactors;
  /** "Confirm it is you": the current password, or a passkey instead. */
  confirmations: Confirmations;
  /** A signed-in person's own passkeys. */
  passkeys: Passkeys;
  /** Signing in with a passkey, alone or after a password. */
  passkeySignIn: PasskeySignIn;
  /** People's calendar feeds (ADM-CALENDAR) and meetings' invitations (ADM-INVITE). */
  calendar: CalendarService;
  /** The organisations' API keys, and who a request made with one is (docs/api.md). */
  apiKeys: ApiKeys;
  /** The organisation's webhook endpoints, as its administration manages them. */
  webhooks: WebhookAdministration;
  /** Sends the queued webhook deliveries that are due; every node runs one. */
  webhookWorker: WebhookWorker;
}

export function createServices(deps: ServiceDeps): Services {
  const clock = deps.clock ?? systemClock;
  const events = new DomainEvents(deps.onEventListenerError);
  const redis = deps.redis ?? null;
  // Every limit a client could multiply by changing node; per-socket message budgets stay per node.
  const limiters = redis ? redisLimiters(redis, clock) : memoryLimiters(clock);
  const ssoStore = new SsoStore(deps.db);
  const ssoOnly = async (organisationId: string) => (await ssoStore.config(organisationId))?.ssoOnly ?? false;
  const dataKeys = new DataKeys(deps.db, deps.masterKeys, clock);
  const audit = new AuditLog(new AuditStore(deps.db), clock);
  const settings = new OrganisationSettings(new SettingsStore(deps.db), audit, clock);
  const vault = new Vault(dataKeys);
  const webhookStore = new WebhookStore(deps.db);
  const webhookEvents = new WebhookOutbox(clock);
  const lookup = deps.webhooks?.lookup ?? systemLookup;
  const recordings = new RecordingStore(deps.db, webhookEvents);
  const recordingStorages = new RecordingStorages(deps.recordingStores ?? {}, vault, clock);
  const retentionStore = new RetentionStore(deps.db);
  const chatEnabled = async (organisationId: string) => (await settings.of(organisationId)).chat.enabled;
  const factorStore = new FactorStore(deps.db);
  const passkeyStore = new PasskeyStore(deps.db);
  const passkeyChallenges = new PasskeyChallenges(deps.db, clock);
  const relyingParty = new RelyingParty(deps.publicUrl);
  const assertions = new PasskeyAssertions(passkeyStore, passkeyChallenges, relyingParty, clock);
  const auth = new AuthService(deps.db, clock, events, {
    limiters,
    ssoOnly,
    secondFactors: new FactorCheck(factorStore, passkeyStore, assertions, clock),
    secondFactorRequired: (organisationId, role) => settings.requiresSecondFactor(organisationId, role),
    ...deps.auth,
    limits: {
      ...(deps.guestTokensPerAddress !== undefined && {
        guestTokensPerIp: { limit: deps.guestTokensPerAddress, windowMs: GUEST_TOKEN_WINDOW_MS },
      }),
      ...deps.auth?.limits,
    },
  });
  const meetingStore = new MeetingStore(deps.db);
  const confirmations = new Confirmations(auth, assertions);
  const meetings = new MeetingService(
    meetingStore,
    clock,
    events,
    deps.publicUrl,
    undefined,
    deps.oneTimeUnusedMs === undefined ? undefined : { unusedForMs: deps.oneTimeUnusedMs },
    async (organisationId) => (await settings.of(organisationId)).layouts.default,
  );
  const callRecords = new CallRecordStore(deps.db, webhookEvents);
  const factors = new SecondFactors(factorStore, passkeyStore, auth, audit, clock, confirmations);
  const roomSystemStore = new RoomSystemStore(deps.db);
  const alerts = new AlertStore(deps.db);
  const roomPairing = new RoomPairing(roomSystemStore, events, clock, limiters, {
    ...defaultPairingLimits,
    ...deps.roomPairing,
  });
  const roomSessions = new RoomSessions(roomSystemStore, clock);
  return {
    db: deps.db,
    clock,
    redis,
    events,
    auth,
    authenticator: new Authenticator(auth.sessions, clock, deps.publicUrl),
    principals: new PrincipalResolver(
      auth,
      async (request) => (await roomSessions.resolve(roomTokenOf(request)))?.principal ?? null,
    ),
    meetings,
    meetingStore,
    meetingEntry: new PasscodeGate(limiters, deps.passcodeLimits),
    directory: new DirectoryService(new DirectoryStore(deps.db), deps.publicUrl),
    users: new UserAdministration(new UserStore(deps.db), auth.accounts, settings, audit, events, clock),
    invitations: new Invitations({
      store: new InvitationStore(deps.db),
      auth,
      settings,
      ssoOnly,
      audit,
      clock,
      publicUrl: deps.publicUrl,
      mailer: deps.mailer ?? noMailer,
      onBackgroundError: deps.onBackgroundError ?? (() => {}),
    }),
    audit,
    settings,
    branding: new Branding({
      store: new OrganisationImageStore(deps.db),
      settings,
      installationOrganisation: () => auth.accounts.primaryOrganisationId(),
      audit,
      clock,
    }),
    contracts: new OrganisationContracts(retentionStore, audit, clock),
    organisationPurge: new OrganisationPurge({
      store: retentionStore,
      storages: recordingStorages,
      events,
      clock,
    }),
    jobLeases: new JobLeases(deps.db, clock),
    sso: new SingleSignOn(ssoStore, auth, settings, audit, clock, {
      ...deps.sso,
      publicUrl: deps.publicUrl,
      limiters,
    }),
    passwordResets: new PasswordResets({
      db: deps.db,
      auth,
      mailer: deps.mailer ?? noMailer,
      audit,
      clock,
      limiters,
      publicUrl: deps.publicUrl,
      ssoOnly,
      onBackgroundError: deps.onBackgroundError ?? (() => {}),
    }),
    calls: new CallService({
      store: new CallStore(deps.db),
      meetings,
      meetingStore,
      roomSystems: roomSystemStore,
      events,
      audit,
      limiters,
      clock,
      onBackgroundError: deps.onBackgroundError ?? (() => {}),
      ...(deps.calls && { options: deps.calls }),
    }),
    dataKeys,
    vault,
    recordings,
    recordingStorages,
    liveStreams: new LiveStreams(),
    recordingAccess: new RecordingService({
      store: recordings,
      storages: recordingStorages,
      settings,
      audit,
      publicUrl: deps.publicUrl,
      limiters,
    }),
    chat: new ChatService({
      store: new ChatStore(deps.db),
      vault,
      events,
      clock,
      limiters,
      enabled: chatEnabled,
      ...(deps.chat && { options: deps.chat }),
      onUnreadable: deps.onBackgroundError ?? (() => {}),
    }),
    meetingChat: new SealedMeetingChat({
      store: new MeetingChatStore(deps.db),
      vault,
      limiters,
      enabled: chatEnabled,
      ...(deps.chat?.messagesPerMinute !== undefined && { messagesPerMinute: deps.chat.messagesPerMinute }),
      onUnreadable: deps.onBackgroundError ?? (() => {}),
    }),
    capturePolicy: {
      // Read at every start: a setting turned off applies to the next one (REC-TOGGLE, STREAM-TOGGLE).
      async rulesOf(meeting) {
        const [organisation, stored] = await Promise.all([
          settings.of(meeting.organisationId),
          meetingStore.findById(meeting.id),
        ]);
        return {
          recordingEnabled: organisation.recording.enabled,
          streamingEnabled: organisation.streaming.enabled,
          recordingByModerators: stored?.recordingByModerators ?? false,
          meetingStreaming: stored?.streaming ?? false,
        };
      },
    },
    callLedger: new CallRecordLedger(callRecords, clock, deps.onBackgroundError ?? (() => {})),
    usageReports: new UsageReports(deps.db, callRecords, clock),
    captureAudit: new CaptureAuditLog(audit, deps.onBackgroundError ?? (() => {})),
    account: new AccountService(auth, audit, ssoOnly, (userId) => factors.status(userId), confirmations),
    personalData: new PersonalData({
      store: new PersonalDataStore(deps.db),
      vault,
      limiters,
      clock,
      onUnreadable: deps.onBackgroundError ?? (() => {}),
    }),
    roomSystems: new RoomSystemAdministration(roomSystemStore, roomPairing, audit, events, clock),
    roomPairing,
    roomSessions,
    roomSystemStore,
    roomDay: new RoomDay(roomSystemStore, clock),
    alerts,
    roomPresence: new RoomPresenceAlerts({
      store: alerts,
      mailer: deps.mailer ?? noMailer,
      clock,
      enabled: async (organisationId) => (await settings.of(organisationId)).roomAlerts.enabled,
      publicUrl: deps.publicUrl,
    }),
    roomCookies: new RoomCookies(deps.publicUrl),
    // A person at the screen types a few extensions a minute; a script walking them does not get far.
    roomMeetingLookups: limiters.window('room:lookup', { limit: 30, windowMs: 60_000 }),
    factors,
    confirmations,
    passkeys: new Passkeys({
      store: passkeyStore,
      challenges: passkeyChallenges,
      rp: relyingParty,
      factors,
      confirmations,
      audit,
      clock,
      ssoOnly,
    }),
    passkeySignIn: new PasskeySignIn(assertions, auth, limiters, ssoOnly),
    calendar: new CalendarService({
      store: new CalendarStore(deps.db),
      meetings,
      settingsOf: (organisationId) => settings.of(organisationId),
      limiters,
      audit,
      clock,
      publicUrl: deps.publicUrl,
      installationDialIn: deps.installationDialIn ?? null,
      installationOrganisation: () => auth.accounts.primaryOrganisationId(),
    }),
    apiKeys: new ApiKeys({
      store: new ApiKeyStore(deps.db),
      audit,
      clock,
      limiters,
      ...(deps.apiKeyRequestsPerMinute !== undefined && { requestsPerMinute: deps.apiKeyRequestsPerMinute }),
    }),
    webhooks: new WebhookAdministration({ store: webhookStore, vault, audit, clock, lookup }),
    webhookWorker: new WebhookWorker({
      store: webhookStore,
      vault,
      clock,
      lookup,
      ...(deps.webhooks?.worker && { options: deps.webhooks.worker }),
      onError: deps.onBackgroundError ?? (() => {}),
    }),
  };
}
