import type {
  CreateMeetingRequest,
  DirectoryQuery,
  DirectoryUserEntry,
  DirectoryView,
  MeetingPublicView,
  MeetingView,
  SessionView,
  SetupRequest,
  SetupStatus,
  SignInRequest,
  SsoStatus,
  UpdateMeetingRequest,
  UpdateUserRequest,
} from '@conclave/protocol';
import { api } from './http';

const meeting = (id: string) => `/api/meetings/${encodeURIComponent(id)}`;

export const getSetupStatus = () => api<SetupStatus>('GET', '/api/setup');
export const completeSetup = (body: SetupRequest) => api<SessionView>('POST', '/api/setup', body);

export const getSession = () => api<SessionView>('GET', '/api/auth/session');
export const signIn = (body: SignInRequest) => api<SessionView>('POST', '/api/auth/sign-in', body);
export const getSsoStatus = () => api<SsoStatus>('GET', '/api/auth/sso');
/** A full-page navigation, not a fetch: the identity provider's pages take over the tab. */
export const ssoStartUrl = (next: string) => `/api/auth/sso/oidc/start?next=${encodeURIComponent(next)}`;
export const signOut = () => api<void>('POST', '/api/auth/sign-out');

export const listMeetings = () => api<{ meetings: MeetingView[] }>('GET', '/api/meetings');
export const createMeeting = (body: CreateMeetingRequest) => api<MeetingView>('POST', '/api/meetings', body);
export const updateMeeting = (id: string, body: UpdateMeetingRequest) =>
  api<MeetingView>('PATCH', meeting(id), body);
export const deleteMeeting = (id: string) => api<void>('DELETE', meeting(id));
export const setMeetingPasscode = (id: string, passcode: string) =>
  api<MeetingView>('PUT', `${meeting(id)}/passcode`, { passcode });
export const removeMeetingPasscode = (id: string) => api<MeetingView>('DELETE', `${meeting(id)}/passcode`);

export const getPublicMeeting = (id: string) => api<MeetingPublicView>('GET', `${meeting(id)}/public`);

export const searchDirectory = (query: DirectoryQuery) => {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.kind) params.set('kind', query.kind);
  return api<DirectoryView>('GET', `/api/directory?${params.toString()}`);
};
export const updateUser = (id: string, body: UpdateUserRequest) =>
  api<DirectoryUserEntry>('PATCH', `/api/users/${encodeURIComponent(id)}`, body);
