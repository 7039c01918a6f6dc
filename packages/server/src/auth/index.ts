import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../common/clock';
import type { Database } from '../db';
import type { SignalingAuth } from '../signaling/ports';
import { GuestTokenStore } from './guests';
import { defaultSessionPolicy, SessionStore, type SessionPolicy } from './sessions';
import { SignalingAuthAdapter } from './signaling';

export {
  AuthService,
  defaultAuthLimits,
  type AuthLimits,
  type AuthOptions,
  type IssuedSession,
} from './service';
export { Authenticator, SESSION_COOKIE } from './http';
export { authRoutes, type AuthRoutesDeps } from './routes';
export { SessionStore, defaultSessionPolicy, type ActiveSession, type SessionPolicy } from './sessions';
export { GuestTokenStore, DEFAULT_GUEST_TOKEN_TTL_MS } from './guests';
export { AccountStore } from './store';
export { hashPassword, verifyPassword } from './passwords';
export { SignalingAuthAdapter } from './signaling';
export type { Principal, UserPrincipal, GuestPrincipal } from './principal';

/** What the signaling plugin needs from auth: session cookies and guest tokens, checked against the database. */
export function createSignalingAuth(
  db: Kysely<Database>,
  clock: Clock = systemClock,
  sessionPolicy: Partial<SessionPolicy> = {},
): SignalingAuth {
  return new SignalingAuthAdapter(
    new SessionStore(db, clock, { ...defaultSessionPolicy, ...sessionPolicy }),
    new GuestTokenStore(db, clock),
  );
}
