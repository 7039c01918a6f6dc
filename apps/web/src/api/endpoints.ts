import type {
  AccountSessionView,
  ApiKeyCreatedView,
  ApiKeyListView,
  CreateApiKeyRequest,
  CreateWebhookRequest,
  CreatedWebhookView,
  UpdateWebhookRequest,
  WebhookDeliveryListView,
  WebhookEndpointView,
  WebhookListView,
  WebhookSecretView,
  WebhookSettings,
  BrandingImageKind,
  PublicBranding,
  CalendarFeedCreated,
  CalendarFeedStatus,
  MeetingInviteView,
  CallView,
  MissedCallsView,
  PlaceCallRequest,
  AccountView,
  ChangePasswordRequest,
  AcceptInvitationRequest,
  AdminUserView,
  AuditPageView,
  AuditQuery,
  CreatedInvitationView,
  CreateInvitationRequest,
  CreateMeetingRequest,
  CreateUserRequest,
  DirectoryQuery,
  DirectoryUserEntry,
  DirectoryView,
  InvitationPublicView,
  InvitationListView,
  LookupInvitationRequest,
  MeetingPublicView,
  MeetingView,
  NetworkEndpointsView,
  SessionView,
  SetRoleRequest,
  Settings,
  SetupRequest,
  SetupStatus,
  SignInRequest,
  SignInResultView,
  SecondFactorRequest,
  TotpSetupView,
  RecoveryCodesView,
  Confirmation,
  PasswordResetLinkView,
  PasswordResetStatus,
  SsoStatus,
  SsoConfigView,
  SsoProtocol,
  SetSsoConfigRequest,
  ContractView,
  SetContractRequest,
  UpdateMeetingRequest,
  UpdateSettingsRequest,
  UpdateUserRequest,
  PasskeySignInRequest,
  PasskeyView,
  RecordingListView,
  RecordingView,
  ShareRecordingRequest,
  ShareRecordingResponse,
  RegisterPasskeyRequest,
  RegisteredPasskeyView,
  UsageQuery,
  UsageReport,
  UsageTable,
  PersonalDataExport,
  AdminRoomSystemView,
  EventAlertListView,
  PairingStartView,
  PairingStatusView,
  RegisterRoomSystemRequest,
  RestoreRoomSystemRequest,
  RoomMeetingView,
  RoomDayView,
  RoomSessionView,
  UpdateRoomSystemRequest,
} from '@conclave/protocol';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { api, apiUpload } from './http';

const meeting = (id: string) => `/api/meetings/${encodeURIComponent(id)}`;
const user = (id: string) => `/api/users/${encodeURIComponent(id)}`;

export const getSetupStatus = () => api<SetupStatus>('GET', '/api/setup');
export const completeSetup = (body: SetupRequest) => api<SessionView>('POST', '/api/setup', body);

export const getSession = () => api<SessionView>('GET', '/api/auth/session');
export const signIn = (body: SignInRequest) => api<SignInResultView>('POST', '/api/auth/sign-in', body);
export const completeSignIn = (body: SecondFactorRequest) =>
  api<SessionView>('POST', '/api/auth/sign-in/second-factor', body);
export const getPasskeySignInOptions = () =>
  api<PublicKeyCredentialRequestOptionsJSON>('POST', '/api/auth/passkey/options', {});
export const signInWithPasskey = (body: PasskeySignInRequest) =>
  api<SessionView>('POST', '/api/auth/passkey', body);
/** Needs the cookie of a sign-in whose password was right. */
export const getSecondFactorPasskeyOptions = () =>
  api<PublicKeyCredentialRequestOptionsJSON>('POST', '/api/auth/sign-in/passkey/options', {});
export const getSsoStatus = () => api<SsoStatus>('GET', '/api/auth/sso');
export const getNetworkEndpoints = () => api<NetworkEndpointsView>('GET', '/api/network/endpoints');
/** A full-page navigation, not a fetch: the identity provider's pages take over the tab. */
export const ssoStartUrl = (protocol: SsoProtocol, next: string) =>
  `/api/auth/sso/${protocol}/start?next=${encodeURIComponent(next)}`;
export const getPasswordResetStatus = () => api<PasswordResetStatus>('GET', '/api/auth/password-reset');
export const askPasswordReset = (email: string) => api<void>('POST', '/api/auth/password-reset', { email });
export const getPasswordResetLink = (token: string) =>
  api<PasswordResetLinkView>('POST', '/api/auth/password-reset/link', { token });
export const completePasswordReset = (token: string, password: string) =>
  api<SignInResultView>('POST', '/api/auth/password-reset/complete', { token, password });
export const signOut = () => api<void>('POST', '/api/auth/sign-out');

export const listMeetings = () => api<{ meetings: MeetingView[] }>('GET', '/api/meetings');
export const createMeeting = (body: CreateMeetingRequest) => api<MeetingView>('POST', '/api/meetings', body);
export const updateMeeting = (id: string, body: UpdateMeetingRequest) =>
  api<MeetingView>('PATCH', meeting(id), body);
export const deleteMeeting = (id: string) => api<void>('DELETE', meeting(id));
export const setMeetingPasscode = (id: string, passcode: string) =>
  api<MeetingView>('PUT', `${meeting(id)}/passcode`, { passcode });
export const removeMeetingPasscode = (id: string) => api<MeetingView>('DELETE', `${meeting(id)}/passcode`);

/** A meeting's invitation (ADM-INVITE): text and, when scheduled, a calendar file. */
export const getMeetingInvite = (id: string) => api<MeetingInviteView>('GET', `${meeting(id)}/invite`);

/** The person's calendar feed (ADM-CALENDAR). */
export const getCalendarFeed = () => api<CalendarFeedStatus>('GET', '/api/account/calendar');
export const createCalendarFeed = () => api<CalendarFeedCreated>('POST', '/api/account/calendar');
export const deleteCalendarFeed = () => api<void>('DELETE', '/api/account/calendar');

export const getPublicMeeting = (id: string) => api<MeetingPublicView>('GET', `${meeting(id)}/public`);

export const searchDirectory = (query: DirectoryQuery) => {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.kind) params.set('kind', query.kind);
  return api<DirectoryView>('GET', `/api/directory?${params.toString()}`);
};
export const updateUser = (id: string, body: UpdateUserRequest) =>
  api<DirectoryUserEntry>('PATCH', user(id), body);

// The organisation's administration (Superusers and Administrators).
export const listUsers = () => api<{ users: AdminUserView[] }>('GET', '/api/users');
export const createUser = (body: CreateUserRequest) => api<AdminUserView>('POST', '/api/users', body);
export const setUserRole = (id: string, body: SetRoleRequest) =>
  api<AdminUserView>('PUT', `${user(id)}/role`, body);
export const revokeUser = (id: string) => api<AdminUserView>('POST', `${user(id)}/revoke`);
export const restoreUser = (id: string) => api<AdminUserView>('POST', `${user(id)}/restore`);
export const deleteUser = (id: string) => api<void>('DELETE', user(id));
// Room systems (ADM-ROOMS): their administration, and the room screen's own requests.
const roomSystem = (id: string) => `/api/room-systems/${encodeURIComponent(id)}`;
export const listApiKeys = () => api<ApiKeyListView>('GET', '/api/api-keys');
export const createApiKey = (body: CreateApiKeyRequest) =>
  api<ApiKeyCreatedView>('POST', '/api/api-keys', body);
export const revokeApiKey = (id: string) => api<void>('DELETE', `/api/api-keys/${encodeURIComponent(id)}`);
/** The platform API's OpenAPI document (docs/api.md), for the reference page. */
export const getOpenApiDocument = () => api<OpenApiDocument>('GET', '/api/openapi.json');
export const listRoomSystems = () => api<{ roomSystems: AdminRoomSystemView[] }>('GET', '/api/room-systems');
export const listRoomAlerts = () => api<EventAlertListView>('GET', '/api/room-systems/alerts');
export const registerRoomSystem = (body: RegisterRoomSystemRequest) =>
  api<AdminRoomSystemView>('POST', '/api/room-systems', body);
export const updateRoomSystem = (id: string, body: UpdateRoomSystemRequest) =>
  api<AdminRoomSystemView>('PATCH', roomSystem(id), body);
export const revokeRoomSystem = (id: string) => api<AdminRoomSystemView>('POST', `${roomSystem(id)}/revoke`);
export const restoreRoomSystem = (id: string, body: RestoreRoomSystemRequest) =>
  api<AdminRoomSystemView>('POST', `${roomSystem(id)}/restore`, body);
export const deleteRoomSystem = (id: string) => api<void>('DELETE', roomSystem(id));
export const startRoomPairing = () => api<PairingStartView>('POST', '/api/room-systems/pairing', {});
export const getRoomPairing = () => api<PairingStatusView>('GET', '/api/room-systems/pairing');
// Webhooks: the organisation's endpoints, their deliveries, and whether they may reach private addresses.
const webhook = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;
export const listWebhooks = () => api<WebhookListView>('GET', '/api/webhooks');
export const createWebhook = (body: CreateWebhookRequest) =>
  api<CreatedWebhookView>('POST', '/api/webhooks', body);
export const updateWebhook = (id: string, body: UpdateWebhookRequest) =>
  api<WebhookEndpointView>('PATCH', webhook(id), body);
export const rotateWebhookSecret = (id: string) =>
  api<WebhookSecretView>('POST', `${webhook(id)}/secret`, {});
export const deleteWebhook = (id: string) => api<void>('DELETE', webhook(id));
export const listWebhookDeliveries = (id: string) =>
  api<WebhookDeliveryListView>('GET', `${webhook(id)}/deliveries`);
export const setWebhookSettings = (body: WebhookSettings) =>
  api<WebhookSettings>('PUT', '/api/webhooks/settings', body);
export const getRoomSession = () => api<RoomSessionView>('GET', '/api/room-systems/session');
const roomCall = (id: string) => `/api/room-systems/session/calls/${encodeURIComponent(id)}`;
export const acceptRoomCall = (id: string) => api<CallView>('POST', `${roomCall(id)}/accept`);
export const declineRoomCall = (id: string) => api<CallView>('POST', `${roomCall(id)}/decline`);
/** The screen's day of meetings it is invited to, by the time zone it runs in (ADM-CALENDAR). */
export const getRoomDay = (timeZone: string) =>
  api<RoomDayView>('GET', `/api/room-systems/session/day?timeZone=${encodeURIComponent(timeZone)}`);
export const findRoomMeeting = (extension: string) =>
  api<RoomMeetingView>(
    'GET',
    `/api/room-systems/session/meetings?extension=${encodeURIComponent(extension)}`,
  );
export const listInvitations = () => api<InvitationListView>('GET', '/api/users/invitations');
export const createInvitation = (body: CreateInvitationRequest) =>
  api<CreatedInvitationView>('POST', '/api/users/invitations', body);
export const revokeInvitation = (id: string) =>
  api<void>('DELETE', `/api/users/invitations/${encodeURIComponent(id)}`);

// Anyone holding an invitation link (the token goes in the body, never in a URL).
export const lookupInvitation = (body: LookupInvitationRequest) =>
  api<InvitationPublicView>('POST', '/api/invitations/lookup', body);
export const acceptInvitation = (body: AcceptInvitationRequest) =>
  api<SessionView>('POST', '/api/invitations/accept', body);

export const getAuditLog = (query: AuditQuery) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  return api<AuditPageView>('GET', `/api/audit?${params.toString()}`);
};

const usageParams = ({ from, to, timeZone }: UsageQuery) =>
  new URLSearchParams({ from, to, ...(timeZone && { timeZone }) });
export const getUsageReport = (query: UsageQuery) =>
  api<UsageReport>('GET', `/api/reports/usage?${usageParams(query).toString()}`);
/** A table of the report as a CSV download, for a plain link: the session cookie authorises it. */
export const usageCsvUrl = (query: UsageQuery, table: UsageTable) => {
  const params = usageParams(query);
  params.set('table', table);
  return `/api/reports/usage.csv?${params.toString()}`;
};

export const getSettings = () => api<Settings>('GET', '/api/settings');
export const updateSettings = (body: UpdateSettingsRequest) => api<Settings>('PATCH', '/api/settings', body);
/** The organisation's branding as everyone sees it, signed in or not (ADM-SETTINGS). */
export const getBranding = () => api<PublicBranding>('GET', '/api/branding');
export const uploadBrandingImage = (kind: BrandingImageKind, file: File) =>
  apiUpload<PublicBranding>(`/api/settings/branding/${kind}`, file);
export const removeBrandingImage = (kind: BrandingImageKind) =>
  api<PublicBranding>('DELETE', `/api/settings/branding/${kind}`);
export const getContract = () => api<ContractView>('GET', '/api/organisation/contract');
export const setContract = (body: SetContractRequest) =>
  api<ContractView>('PUT', '/api/organisation/contract', body);
export const getSsoConfig = () => api<SsoConfigView>('GET', '/api/sso');
export const setSsoConfig = (body: SetSsoConfigRequest) => api<SsoConfigView>('PUT', '/api/sso', body);

export const getAccount = () => api<AccountView>('GET', '/api/account');
export const renameAccount = (displayName: string) =>
  api<AccountView>('PATCH', '/api/account', { displayName });
export const changePassword = (body: ChangePasswordRequest) =>
  api<void>('POST', '/api/account/password', body);
export const getAccountSessions = () =>
  api<{ sessions: AccountSessionView[] }>('GET', '/api/account/sessions');
export const endAccountSession = (id: string) =>
  api<void>('DELETE', `/api/account/sessions/${encodeURIComponent(id)}`);
export const endOtherSessions = () => api<{ ended: number }>('POST', '/api/account/sessions/sign-out-others');
export const exportPersonalData = () => api<PersonalDataExport>('GET', '/api/account/export');
export const startTotp = () => api<TotpSetupView>('POST', '/api/account/totp');
export const confirmTotp = (code: string) =>
  api<RecoveryCodesView>('POST', '/api/account/totp/confirm', { code });
export const removeTotp = (body: Confirmation) => api<void>('POST', '/api/account/totp/remove', body);
export const renewRecoveryCodes = (body: Confirmation) =>
  api<RecoveryCodesView>('POST', '/api/account/recovery-codes', body);
export const getPasskeyRegistrationOptions = (body: Confirmation) =>
  api<PublicKeyCredentialCreationOptionsJSON>('POST', '/api/account/passkeys/options', body);
export const getConfirmPasskeyOptions = () =>
  api<PublicKeyCredentialRequestOptionsJSON>('POST', '/api/account/confirm/passkey-options', {});
export const registerPasskey = (body: RegisterPasskeyRequest) =>
  api<RegisteredPasskeyView>('POST', '/api/account/passkeys', body);
const passkey = (id: string) => `/api/account/passkeys/${encodeURIComponent(id)}`;
export const renamePasskey = (id: string, name: string) => api<PasskeyView>('PATCH', passkey(id), { name });
export const removePasskey = (id: string, body: Confirmation) =>
  api<void>('POST', `${passkey(id)}/remove`, body);

// Calls (MEET-CALL) and ringing people into a running meeting (MEET-ADD).
const call = (id: string) => `/api/calls/${encodeURIComponent(id)}`;
export const placeCall = (body: PlaceCallRequest) => api<CallView>('POST', '/api/calls', body);
export const acceptCall = (id: string) => api<CallView>('POST', `${call(id)}/accept`);
export const declineCall = (id: string) => api<CallView>('POST', `${call(id)}/decline`);
export const cancelCall = (id: string) => api<CallView>('POST', `${call(id)}/cancel`);
export const getMissedCalls = () => api<MissedCallsView>('GET', '/api/calls/missed');
export const markMissedCallsSeen = () => api<void>('POST', '/api/calls/missed/seen');
export const getCall = (id: string) => api<CallView>('GET', call(id));

// Recordings (REC-ACCESS): each request, the player's range requests included, is checked on the server.
const recording = (id: string) => `/api/recordings/${encodeURIComponent(id)}`;
export const listRecordings = () => api<RecordingListView>('GET', '/api/recordings');
/** Signed in, or holding the cookie a shared link's key gave this browser. */
export const getRecording = (id: string) => api<RecordingView>('GET', recording(id));
export const shareRecording = (id: string, body: ShareRecordingRequest) =>
  api<ShareRecordingResponse>('PUT', `${recording(id)}/sharing`, body);
/** A shared link's key (from its address's fragment), for the cookie that lets this browser view it. */
export const openRecordingLink = (id: string, key: string) =>
  api<void>('POST', `${recording(id)}/link`, { key });
export const deleteRecording = (id: string) => api<void>('DELETE', recording(id));

/** The parts of an OpenAPI 3.1 document the reference page shows. */
export interface OpenApiDocument {
  info: { title: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, unknown> };
}
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required: boolean; description?: string; schema: unknown }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}
