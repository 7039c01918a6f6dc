import type { Kysely } from 'kysely';
import type {
  GuestTokenView,
  SessionView,
  SetupRequest,
  SetupStatus,
  SignInRequest,
  OrganisationView,
  UserView,
} from '@conclave/protocol';
import type { Clock } from '../common/clock';
import { AppError, RateLimitError } from '../common/errors';
import { newId } from '../common/ids';
import { describeWait, RateLimiter, type RateLimitRule } from '../common/rate-limit';
import { isUniqueViolation, type Database } from '../db';
import type { MeetingRecord } from '../domain';
import { DEFAULT_GUEST_TOKEN_TTL_MS, GuestTokenStore } from './guests';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './passwords';
import { defaultSessionPolicy, SessionStore, type SessionPolicy } from './sessions';
import { AccountStore } from './store';

export interface AuthLimits {
  /** Failed sign-ins per email address. */
  signInFailuresPerEmail: RateLimitRule;
  /**
   * Failed sign-ins per client address. Attempts count when they start (each costs an Argon2
   * verification, so a burst of parallel guesses is bounded) and successful ones are given back, so
   * an office behind one address can sign in all morning.
   */
  signInFailuresPerIp: RateLimitRule;
  /**
   * Guest tokens issued per client address. Generous, since a whole company of guests may join one
   * meeting from behind one address; meeting IDs are unguessable, so this only bounds spam.
   */
  guestTokensPerIp: RateLimitRule;
}

export const defaultAuthLimits: AuthLimits = {
  signInFailuresPerEmail: { limit: 5, windowMs: 15 * 60_000 },
  signInFailuresPerIp: { limit: 30, windowMs: 15 * 60_000 },
  guestTokensPerIp: { limit: 120, windowMs: 10 * 60_000 },
};

export interface AuthOptions {
  limits?: Partial<AuthLimits>;
  sessionPolicy?: Partial<SessionPolicy>;
  guestTokenTtlMs?: number;
}

/** A new session: the raw token goes into the cookie and nowhere else. */
export interface IssuedSession {
  token: string;
  expiresAt: Date;
  view: SessionView;
}

/** First-run setup, sign-in and guest tokens: the decisions, without HTTP. */
export class AuthService {
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly guests: GuestTokenStore;
  private readonly signInPerEmail: RateLimiter;
  private readonly signInPerIp: RateLimiter;
  private readonly guestsPerIp: RateLimiter;

  constructor(
    db: Kysely<Database>,
    private readonly clock: Clock,
    options: AuthOptions = {},
  ) {
    const limits = { ...defaultAuthLimits, ...options.limits };
    this.accounts = new AccountStore(db);
    this.sessions = new SessionStore(db, clock, { ...defaultSessionPolicy, ...options.sessionPolicy });
    this.guests = new GuestTokenStore(db, clock, options.guestTokenTtlMs ?? DEFAULT_GUEST_TOKEN_TTL_MS);
    this.signInPerEmail = new RateLimiter(limits.signInFailuresPerEmail, clock);
    this.signInPerIp = new RateLimiter(limits.signInFailuresPerIp, clock);
    this.guestsPerIp = new RateLimiter(limits.guestTokensPerIp, clock);
  }

  async setupStatus(): Promise<SetupStatus> {
    return { needed: !(await this.accounts.isSetUp()) };
  }

  /** Creates the organisation and its first Administrator, once; signs the Administrator in. */
  async setup(input: SetupRequest): Promise<IssuedSession> {
    if (await this.accounts.isSetUp()) throw setupDone();
    const passwordHash = await hashPassword(input.password);
    const now = this.clock.now();
    const organisation = { id: newId(now.getTime()), name: input.organisationName };
    const admin = {
      id: newId(now.getTime()),
      organisationId: organisation.id,
      email: input.email,
      displayName: input.displayName,
      role: 'administrator' as const,
      passwordHash,
      createdAt: now.toISOString(),
    };
    try {
      await this.accounts.completeSetup(organisation, admin, now.toISOString());
    } catch (err) {
      // A concurrent setup won the race for the installation row.
      if (isUniqueViolation(err)) throw setupDone();
      throw err;
    }
    return this.issueSession(admin, organisation);
  }

  async signIn(input: SignInRequest, clientIp: string): Promise<IssuedSession> {
    for (const decision of [this.signInPerIp.check(clientIp), this.signInPerEmail.check(input.email)]) {
      if (!decision.allowed) {
        throw new RateLimitError(
          `Too many sign-in attempts. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
          decision.retryAfterSeconds,
        );
      }
    }
    this.signInPerIp.hit(clientIp);

    const user = await this.accounts.findUserByEmail(input.email);
    const ok = user?.passwordHash
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyAgainstNothing(input.password);
    if (!user || !ok) {
      this.signInPerEmail.hit(input.email);
      if (!user && !(await this.accounts.isSetUp())) {
        throw new AppError(409, 'setup_required', 'Finish first-run setup before signing in');
      }
      throw new AppError(401, 'invalid_credentials', 'The email address or password is not correct');
    }
    this.signInPerEmail.reset(input.email);
    this.signInPerIp.refund(clientIp);

    const organisation = await this.accounts.findOrganisation(user.organisationId);
    if (!organisation) throw new AppError(401, 'invalid_credentials', 'This account has no organisation');
    return this.issueSession(user, organisation);
  }

  private async issueSession(user: UserView, organisation: OrganisationView): Promise<IssuedSession> {
    const session = await this.sessions.create(user.id);
    return {
      token: session.token,
      expiresAt: session.expiresAt,
      view: {
        user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role },
        organisation,
        csrfToken: session.csrfToken,
      },
    };
  }

  async signOut(sessionId: string): Promise<void> {
    await this.sessions.delete(sessionId);
  }

  /** Counts a guest-token request from this address; throws once there were too many. */
  limitGuestRequests(clientIp: string): void {
    const decision = this.guestsPerIp.consume(clientIp);
    if (!decision.allowed) {
      throw new RateLimitError(
        `Too many guest joins from your address. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
        decision.retryAfterSeconds,
      );
    }
  }

  /** A token for a named guest of an existing meeting; the caller has already found the meeting. */
  async issueGuestToken(meeting: MeetingRecord, displayName: string): Promise<GuestTokenView> {
    const { token, expiresAt } = await this.guests.issue(meeting.id, displayName);
    return { token, expiresAt: expiresAt.toISOString() };
  }
}

const setupDone = () =>
  new AppError(409, 'setup_already_done', 'This Conclave is already set up; sign in instead');
