export {
  AuthService,
  defaultAuthLimits,
  type AuthLimits,
  type AuthOptions,
  type IssuedSession,
} from './service';
export { Authenticator, SESSION_COOKIE } from './http';
export { authRoutes, guestRoutes, sessionRoutes, setupRoutes, type AuthRoutesDeps } from './routes';
export { SessionStore, defaultSessionPolicy, type ActiveSession, type SessionPolicy } from './sessions';
export { GuestTokenStore, DEFAULT_GUEST_TOKEN_TTL_MS } from './guests';
export { AccountStore } from './store';
export { hashPassword, verifyPassword } from './passwords';
export { PrincipalResolver } from './principals';
