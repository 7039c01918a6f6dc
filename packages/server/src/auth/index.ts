export {
  AuthService,
  GUEST_TOKEN_WINDOW_MS,
  type AuthOptions,
  type IssuedSession,
  type SecondFactorGate,
} from './service';
export { Authenticator } from './http';
export { authRoutes, guestRoutes, passwordResetRoutes, sessionRoutes, setupRoutes } from './routes';
export { PasswordResets } from './password-resets';
export { GuestTokenStore } from './guests';
export { AccountStore } from './store';
export { hashPassword, verifyPassword } from './passwords';
export { PrincipalResolver } from './principals';
