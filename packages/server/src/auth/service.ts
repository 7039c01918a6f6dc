import type { Kysely } from 'kysely';
import type {
  GuestTokenView,
  SecondFactorMethod,
  SecondFactorRequest,
  SessionView,
  SetupRequest,
  SetupStatus,
  SignInRequest,
  OrganisationView,
  Role,
  UserView,
} from '@conclave/protocol';
import type { Clock } from '../common/clock';
import type { DomainEvents, GuestPrincipal, MeetingRecord } from '../domain';
import { AppError, RateLimitError } from '../common/errors';
import { newId } from '../common/ids';
import {
  describeWait,
  memoryLimiters,
  type Limiters,
  type RateLimitRule,
  type WindowLimiter,
} from '../common/rate-limit';
import { TrustedDeviceStore } from './devices';
import { SetupTokenStore } from './setup-token';
import { defaultSignInLimits, SignInGuard, type SignInLimits } from './sign-in-guard';
import { isUniqueViolation, type Database } from '../db';
import { DEFAULT_GUEST_TOKEN_TTL_MS, GuestTokenStore, type GuestOrigin } from './guests';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './passwords';
import { ChallengeStore } from './challenges';
import { defaultSessionPolicy, SessionStore, type SessionPolicy } from './sessions';
import { AccountStore, type UserRecord } from './store';

interface AuthLimits {
  signIn: SignInLimits;
  /**
   * Guest tokens issued per client address. Generous, since a whole company of guests may join one
   * meeting from behind one address; meeting IDs are unguessable, so this only bounds spam.
   */
  guestTokensPerIp: RateLimitRule;
}

/** The window guest tokens per address are counted in (CONCLAVE_GUESTS_PER_ADDRESS sets the limit). */
export const GUEST_TOKEN_WINDOW_MS = 10 * 60_000;

const defaultAuthLimits: AuthLimits = {
  signIn: defaultSignInLimits,
  guestTokensPerIp: { limit: 120, windowMs: GUEST_TOKEN_WINDOW_MS },
};

export interface AuthOptions {
  limits?: { signIn?: Partial<SignInLimits>; guestTokensPerIp?: RateLimitRule };
  /** Where the limits are counted (default: this process's memory). */
  limiters?: Limiters;
  sessionPolicy?: Partial<SessionPolicy>;
  guestTokenTtlMs?: number;
  /** Whether the organisation signs in through its identity provider only (IAM-SSO-OIDC). */
  ssoOnly?: (organisationId: string) => Promise<boolean>;
  /** The account's second factors, asked for after a right password (none: passwords alone). */
  secondFactors?: SecondFactorGate;
  /** Whether the organisation requires a second factor of this role (none: nobody is required to). */
  secondFactorRequired?: (organisationId: string, role: Role) => Promise<boolean>;
}

/** What sign-in needs of second factors (the factors domain provides it). */
export interface SecondFactorGate {
  /** How this account can confirm a sign-in; empty when it has no second factor. */
  methodsOf(userId: string): Promise<SecondFactorMethod[]>;
  /** Whether the proof confirms it (each code serves once); may throw a refusal that says why not. */
  check(userId: string, proof: SecondFactorRequest): Promise<boolean>;
}

/** A sign-in ends in a session, or waits for a second factor (the token goes into a cookie). */
export type SignInOutcome =
  | { session: IssuedSession; challenge?: never }
  | { challenge: { token: string; expiresAt: Date; methods: SecondFactorMethod[] }; session?: never };

const noSecondFactors: SecondFactorGate = {
  methodsOf: () => Promise.resolve([]),
  check: () => Promise.resolve(false),
};
/** Wrong current passwords per account (a stolen session cannot guess it for long). */
const PASSWORD_CHECKS = { limit: 5, windowMs: 15 * 60_000 };
/** Wrong second factors per account, whatever sign-ins they came with. */
const SECOND_FACTOR_FAILURES = { limit: 10, windowMs: 15 * 60_000 };
const secondFactorFailed = (message = 'That code did not work; try again or use a recovery code') =>
  new AppError(401, 'second_factor_failed', message);

/** A new session: the raw token goes into the cookie and nowhere else. */
export interface IssuedSession {
  token: string;
  expiresAt: Date;
  view: SessionView;
  /** A new trusted-device token for this browser's cookie, when it did not hold a valid one. */
  deviceToken: string | null;
}

const accessRevoked = () =>
  new AppError(
    403,
    'access_revoked',
    'Your access to this organisation was revoked; ask a Superuser or Administrator',
  );

/** First-run setup, sign-in and guest tokens: the decisions, without HTTP. */
export class AuthService {
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly guests: GuestTokenStore;
  readonly setupTokens: SetupTokenStore;
  /** Sign-ins awaiting their second factor. */
  readonly challenges: ChallengeStore;
  private readonly devices: TrustedDeviceStore;
  private readonly signInGuard: SignInGuard;
  private readonly guestsPerIp: WindowLimiter;
  private readonly ssoOnly: (organisationId: string) => Promise<boolean>;
  private readonly secondFactors: SecondFactorGate;
  private readonly secondFactorRequired: (organisationId: string, role: Role) => Promise<boolean>;
  private readonly passwordChecks: WindowLimiter;
  private readonly secondFactorFailures: WindowLimiter;

  constructor(
    db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    options: AuthOptions = {},
  ) {
    this.accounts = new AccountStore(db);
    this.sessions = new SessionStore(db, clock, { ...defaultSessionPolicy, ...options.sessionPolicy });
    this.guests = new GuestTokenStore(db, clock, options.guestTokenTtlMs ?? DEFAULT_GUEST_TOKEN_TTL_MS);
    this.setupTokens = new SetupTokenStore(db, clock);
    this.devices = new TrustedDeviceStore(db, clock);
    const limiters = options.limiters ?? memoryLimiters(clock);
    this.signInGuard = new SignInGuard({ ...defaultSignInLimits, ...options.limits?.signIn }, limiters);
    this.ssoOnly = options.ssoOnly ?? (() => Promise.resolve(false));
    this.secondFactors = options.secondFactors ?? noSecondFactors;
    this.secondFactorRequired = options.secondFactorRequired ?? (() => Promise.resolve(false));
    this.challenges = new ChallengeStore(db, clock);
    this.passwordChecks = limiters.window('account:password', PASSWORD_CHECKS);
    this.secondFactorFailures = limiters.window('signin:second-factor', SECOND_FACTOR_FAILURES);
    this.guestsPerIp = limiters.window(
      'guests:address',
      options.limits?.guestTokensPerIp ?? defaultAuthLimits.guestTokensPerIp,
    );
  }

  async setupStatus(): Promise<SetupStatus> {
    return { needed: !(await this.accounts.isSetUp()) };
  }

  /**
   * Creates the organisation and its first Administrator, once, for the holder of the setup token
   * the server printed at start; signs the Administrator in.
   */
  async setup(input: SetupRequest): Promise<IssuedSession> {
    if (await this.accounts.isSetUp()) throw setupDone();
    if (!(await this.setupTokens.matches(input.setupToken))) {
      throw new AppError(
        403,
        'setup_token_invalid',
        'Open the setup link that the server printed when it started',
        'setupToken',
      );
    }
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
    return this.issueSession(admin, organisation, null);
  }

  /**
   * Checks a password. The attempt is reserved with the sign-in guard before Argon2 runs; the
   * browser's trusted-device token (if any) tells the owner's own browsers from strangers.
   */
  async signIn(input: SignInRequest, clientIp: string, deviceToken?: string): Promise<SignInOutcome> {
    const reserved = await this.signInGuard.reserve(clientIp);
    const user = await this.accounts.findUserByEmail(input.email);
    const device = await this.devices.userOf(deviceToken);
    const trusted = device !== null && user !== null && device.userId === user.id ? device : null;
    const attempt = await reserved.forAccount(input.email, trusted?.id ?? null);

    const ok = user?.passwordHash
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyAgainstNothing(input.password);
    if (!user || !ok) {
      if (!user && !(await this.accounts.isSetUp())) {
        throw new AppError(409, 'setup_required', 'Finish first-run setup before signing in');
      }
      throw new AppError(401, 'invalid_credentials', 'The email address or password is not correct');
    }
    await attempt.succeeded();
    // The Administrator keeps their password, so that a broken identity provider locks nobody out.
    if (user.role !== 'administrator' && (await this.ssoOnly(user.organisationId))) {
      throw new AppError(403, 'sso_only', 'Your organisation signs in through its identity provider');
    }
    // Said only to whoever knows the password: it tells nothing to someone guessing.
    if (user.revoked) throw accessRevoked();

    return this.afterPassword(user, trusted);
  }

  /**
   * The second step of a sign-in: the proof is counted against the challenge (5 tries) and the
   * account (10 failures in 15 minutes) before it is checked; the challenge serves one session.
   */
  async completeSignIn(
    challengeToken: string | undefined,
    proof: SecondFactorRequest,
  ): Promise<IssuedSession> {
    const challenge = await this.challenges.attempt(challengeToken);
    if (!challenge) throw secondFactorFailed('This sign-in expired; enter your password again');
    const decision = await this.secondFactorFailures.consume(challenge.userId);
    if (!decision.allowed) {
      throw new RateLimitError(
        `Too many wrong codes. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
        decision.retryAfterSeconds,
      );
    }
    if (!(await this.secondFactors.check(challenge.userId, proof))) throw secondFactorFailed();
    await this.secondFactorFailures.refund(challenge.userId);
    if (!(await this.challenges.close(challengeToken!)))
      throw secondFactorFailed('This sign-in was completed already');
    const user = await this.accounts.findUserById(challenge.userId);
    if (!user || user.revoked) throw accessRevoked();
    const organisation = await this.accounts.findOrganisation(user.organisationId);
    if (!organisation) throw new AppError(401, 'invalid_credentials', 'This account has no organisation');
    const device = challenge.deviceId ? { id: challenge.deviceId, userId: user.id } : null;
    return this.issueSession(user, organisation, device);
  }

  /**
   * Checks a signed-in person's current password before a change it guards (counted first, 5 wrong
   * in 15 minutes per account): throws when it is not theirs.
   */
  async confirmPassword(user: UserRecord, password: string): Promise<void> {
    const decision = await this.passwordChecks.consume(user.id);
    if (!decision.allowed) {
      throw new RateLimitError(
        `Too many wrong passwords. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
        decision.retryAfterSeconds,
      );
    }
    if (!user.passwordHash || !(await verifyPassword(user.passwordHash, password))) {
      throw new AppError(400, 'invalid_credentials', 'This is not your current password', 'currentPassword');
    }
    await this.passwordChecks.refund(user.id);
  }

  /** After a right password: a session, or a challenge when the account has a second factor. */
  private async afterPassword(
    user: UserRecord,
    trusted: { id: string; userId: string } | null,
  ): Promise<SignInOutcome> {
    const organisation = await this.accounts.findOrganisation(user.organisationId);
    if (!organisation) throw new AppError(401, 'invalid_credentials', 'This account has no organisation');
    const methods = await this.secondFactors.methodsOf(user.id);
    if (methods.length === 0) {
      const setUp = await this.secondFactorRequired(user.organisationId, user.role);
      return { session: await this.issueSession(user, organisation, trusted, setUp) };
    }
    const { token, expiresAt } = await this.challenges.open(user.id, trusted?.id ?? null);
    return { challenge: { token, expiresAt, methods } };
  }

  /**
   * A session for someone vouched for without a password here: by their organisation's identity
   * provider (IAM-SSO-SAML, IAM-SSO-OIDC), which decides how they sign in; by a passkey, which is both
   * factors (the caller checked it and "SSO only"); or by an invitation link, after which the
   * organisation's second-factor requirement applies as after a password.
   */
  async signInVouched(user: UserRecord, via: 'sso' | 'passkey' | 'invitation'): Promise<IssuedSession> {
    if (user.revoked) throw accessRevoked();
    const organisation = await this.accounts.findOrganisation(user.organisationId);
    if (!organisation) throw new AppError(401, 'sso_failed', 'This account has no organisation');
    const setUp = via === 'invitation' && (await this.secondFactorRequired(user.organisationId, user.role));
    return this.issueSession(user, organisation, null, setUp);
  }

  private async issueSession(
    user: UserView,
    organisation: OrganisationView,
    device: { id: string; userId: string } | null,
    secondFactorSetup = false,
  ): Promise<IssuedSession> {
    const session = await this.sessions.create(user.id, secondFactorSetup);
    return {
      token: session.token,
      expiresAt: session.expiresAt,
      deviceToken: await this.devices.remember(user.id, device),
      view: {
        user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role },
        organisation,
        csrfToken: session.csrfToken,
        ...(secondFactorSetup && { secondFactorSetupRequired: true as const }),
      },
    };
  }

  /**
   * A new password for someone who proved they hold the account's mailbox: every session of theirs
   * ends (live connections too) and their trusted browsers are forgotten; this browser is signed in,
   * or asked for the second factor first.
   */
  async resetPassword(user: UserRecord, password: string): Promise<SignInOutcome> {
    if (user.revoked) throw accessRevoked();
    await this.accounts.setPasswordHash(user.id, await hashPassword(password));
    await this.endSessions(user.id);
    await this.devices.forgetAll(user.id);
    // The mailbox alone does not replace the second factor: it is asked for as after a password.
    return this.afterPassword(user, null);
  }

  /**
   * A new password the person chose while signed in (the caller checked the current one): every
   * other session ends and their trusted browsers are forgotten. How many sessions ended.
   */
  async changePassword(userId: string, password: string, keepSessionId: string): Promise<number> {
    await this.accounts.setPasswordHash(userId, await hashPassword(password));
    await this.devices.forgetAll(userId);
    return this.endSessions(userId, keepSessionId);
  }

  /** Ends the person's sessions but `except`, and their live meeting connections with them. */
  async endSessions(userId: string, except: string | null = null): Promise<number> {
    const ended = await this.sessions.deleteAllForUser(userId, except);
    for (const id of ended) this.events.publish('sessionEnded', id);
    return ended.length;
  }

  /** Ends one session of this user (and its live connections); false when they have no such session. */
  async signOutOwn(userId: string, sessionId: string): Promise<boolean> {
    if (!(await this.sessions.deleteForUser(userId, sessionId))) return false;
    this.events.publish('sessionEnded', sessionId);
    return true;
  }

  /** Ends the session everywhere: its cookie stops working and its live connections are closed. */
  async signOut(sessionId: string): Promise<void> {
    await this.sessions.delete(sessionId);
    this.events.publish('sessionEnded', sessionId);
  }

  /** Counts a guest-token request from this address; throws once there were too many. */
  async limitGuestRequests(clientIp: string): Promise<void> {
    const decision = await this.guestsPerIp.consume(clientIp);
    if (!decision.allowed) {
      throw new RateLimitError(
        `Too many guest joins from your address. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
        decision.retryAfterSeconds,
      );
    }
  }

  /**
   * A token for a named guest of an existing meeting. The caller has counted the request with
   * `limitGuestRequests` (before looking the meeting up) and found the meeting, or is the platform API
   * acting for the organisation with the key `apiKeyId` (counted against the key's own limit).
   */
  async issueGuest(
    meeting: MeetingRecord,
    displayName: string,
    origin?: GuestOrigin,
  ): Promise<{ view: GuestTokenView; principal: GuestPrincipal; token: string }> {
    const { token, expiresAt, principal } = await this.guests.issue(meeting, displayName, origin);
    return { view: { token, expiresAt: expiresAt.toISOString() }, principal, token };
  }
}

const setupDone = () =>
  new AppError(409, 'setup_already_done', 'This Conclave is already set up; sign in instead');
