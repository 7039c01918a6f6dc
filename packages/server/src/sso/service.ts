import * as oidc from 'openid-client';
import {
  setSsoConfigRequestSchema,
  type SetSsoConfigRequest,
  type SsoConfigView,
  type SsoStatus,
} from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { AuditActor, AuditLog } from '../audit';
import type { AuthService, IssuedSession } from '../auth';
import type { UserRecord } from '../auth/store';
import type { Clock } from '../common/clock';
import { AppError, RateLimitError } from '../common/errors';
import { describeWait, type Limiters, type WindowLimiter } from '../common/rate-limit';
import { hashToken, newId, newSecretToken } from '../common/ids';
import { isUniqueViolation } from '../db';
import type { UserPrincipal } from '../domain';
import type { OrganisationSettings } from '../settings';
import type { OidcConfig, SsoStore } from './store';

export interface SsoOptions {
  publicUrl: string;
  /** Only for tests against an identity provider on http://127.0.0.1: production issuers use HTTPS. */
  allowInsecureIssuers?: boolean;
  /** How long a sign-in may stay at the identity provider (default 10 minutes). */
  attemptTtlMs?: number;
  /** Where sign-in starts per client address are counted (each leaves a row until it expires). */
  limiters: Limiters;
}

/** Generous for a whole office behind one address; a stranger cannot fill the table. */
const STARTS_PER_ADDRESS = { limit: 60, windowMs: 10 * 60_000 };

const failed = (message = 'Single sign-on did not complete; start again') =>
  new AppError(400, 'sso_failed', message);
const unavailable = (message = 'Single sign-on is not set up for this organisation') =>
  new AppError(404, 'sso_unavailable', message);

/** Whatever the identity provider answered, it may only send people to a page of this site. */
function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?!\/)[^\\\s]*$/.test(next) ? next : '/';
}

/**
 * OpenID Connect sign-in (IAM-SSO-OIDC) as a relying party, with openid-client: authorization code
 * with PKCE (S256), state and nonce, the provider found by discovery. The browser carries only a
 * random token naming the attempt; state, nonce and PKCE verifier stay on the server, each attempt
 * serves once. Someone new gets an account with role User, if their verified email is at an allowed
 * domain (IAM-DOMAINS); a revoked account is refused.
 */
export class SingleSignOn {
  private readonly discovered = new Map<string, Promise<oidc.Configuration>>();
  private readonly startsPerAddress: WindowLimiter;
  readonly redirectUri: string;

  constructor(
    private readonly store: SsoStore,
    private readonly auth: AuthService,
    private readonly settings: Pick<OrganisationSettings, 'assertNewAccountAllowed'>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly o: SsoOptions,
  ) {
    this.redirectUri = new URL('/api/auth/sso/oidc/callback', o.publicUrl).toString();
    this.startsPerAddress = o.limiters.window('sso:starts', STARTS_PER_ADDRESS);
  }

  async view(caller: UserPrincipal): Promise<SsoConfigView> {
    authorize(
      caller,
      'settings.sso',
      ORGANISATION,
      'Only Superusers and Administrators can configure sign-on',
    );
    return this.describe(await this.store.config(caller.organisationId));
  }

  /** Sets the identity provider; it must answer discovery first, so a typo is caught here. */
  async configure(actor: AuditActor, input: SetSsoConfigRequest): Promise<SsoConfigView> {
    const caller = actor.principal;
    authorize(
      caller,
      'settings.sso',
      ORGANISATION,
      'Only Superusers and Administrators can configure sign-on',
    );
    const request = setSsoConfigRequestSchema.parse(input);
    if (request.protocol === null) {
      await this.store.removeConfig(caller.organisationId);
      await this.audit.record(
        actor,
        'sso.changed',
        { kind: 'sso', id: null, name: 'single sign-on' },
        {
          protocol: null,
        },
      );
      return this.describe(null);
    }
    if (!this.o.allowInsecureIssuers && !request.issuer.startsWith('https:')) {
      throw new AppError(400, 'validation_failed', 'The issuer must be an https:// address', 'issuer');
    }
    const before = await this.store.config(caller.organisationId);
    const config: OidcConfig = {
      organisationId: caller.organisationId,
      issuer: request.issuer,
      clientId: request.clientId,
      clientSecret: request.clientSecret ?? before?.clientSecret ?? null,
      ssoOnly: request.ssoOnly,
    };
    try {
      await this.configuration(config);
    } catch {
      throw new AppError(400, 'sso_unavailable', 'The identity provider did not answer discovery', 'issuer');
    }
    await this.store.saveConfig(config, this.clock.now().toISOString());
    // Never the secret: only whether it changed.
    await this.audit.record(
      actor,
      'sso.changed',
      { kind: 'sso', id: null, name: 'single sign-on' },
      {
        protocol: 'oidc',
        issuer: config.issuer,
        clientId: config.clientId,
        ssoOnly: config.ssoOnly,
        secretChanged: request.clientSecret !== undefined,
      },
    );
    return this.describe(config);
  }

  /** What the sign-in page offers: the organisation of this installation. */
  async status(): Promise<SsoStatus> {
    const config = await this.primaryConfig();
    return { oidc: config !== null, ssoOnly: config?.ssoOnly ?? false };
  }

  /** Where to send the browser, and the token its cookie keeps until it comes back. */
  async start(next: string | undefined, clientIp: string): Promise<{ url: string; token: string }> {
    const config = await this.primaryConfig();
    if (!config) throw unavailable();
    const decision = await this.startsPerAddress.consume(clientIp);
    if (!decision.allowed) {
      throw new RateLimitError(
        `Too many sign-ins from your address. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
        decision.retryAfterSeconds,
      );
    }
    const configuration = await this.configuration(config).catch(() => {
      throw unavailable('The identity provider cannot be reached; try again later');
    });
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const attempt = {
      organisationId: config.organisationId,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier,
      next: safeNext(next),
    };
    const token = newSecretToken();
    const now = this.clock.now().getTime();
    await this.store.addAttempt(
      newId(now),
      hashToken(token),
      attempt,
      new Date(now + (this.o.attemptTtlMs ?? 10 * 60_000)).toISOString(),
      new Date(now).toISOString(),
    );
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: attempt.state,
      nonce: attempt.nonce,
    });
    return { url: url.toString(), token };
  }

  /**
   * The browser is back with the provider's answer (`callbackUrl`, as this site's public address saw
   * it): state, PKCE and the ID token's signature, issuer, audience, expiry and nonce are checked by
   * openid-client; then the person is found or made, and signed in.
   */
  async finish(
    token: string | undefined,
    callbackUrl: URL,
    clientIp: string,
  ): Promise<{ session: IssuedSession; next: string }> {
    const attempt = token
      ? await this.store.takeAttempt(hashToken(token), this.clock.now().toISOString())
      : null;
    if (!attempt) throw failed('This sign-in expired or was already used; start again');
    const config = await this.store.config(attempt.organisationId);
    if (!config) throw unavailable();
    let claims: Record<string, unknown>;
    try {
      const configuration = await this.configuration(config);
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims()!;
      // Providers often keep email and name out of the ID token (OIDC Core 5.4): then UserInfo has them.
      claims =
        typeof idToken.email === 'string'
          ? idToken
          : {
              ...(await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)),
              sub: idToken.sub,
            };
    } catch {
      throw failed();
    }
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : null;
    // An address the provider has not verified could be anyone's: it names no account here.
    if (!email || claims.email_verified !== true) {
      throw failed('The identity provider did not vouch for an email address');
    }
    const name =
      typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : email.split('@')[0]!;
    const user = await this.accountFor(attempt.organisationId, email, name, clientIp);
    return { session: await this.auth.signInVouched(user), next: attempt.next };
  }

  /** The person with this address, or a new account (role User) for them where the domain is allowed. */
  private async accountFor(
    organisationId: string,
    email: string,
    displayName: string,
    clientIp: string,
  ): Promise<UserRecord> {
    const existing = await this.auth.accounts.findUserByEmail(email);
    if (existing) {
      if (existing.organisationId !== organisationId)
        throw failed('This address belongs to another organisation');
      // Whoever configures the provider could have it vouch for any address: not for the Administrator's,
      // whom no Superuser may change or act as (IAM-ADMIN-PROTECT). They sign in with their password.
      if (existing.role === 'administrator') throw failed('The Administrator signs in with their password');
      return existing;
    }
    await this.settings.assertNewAccountAllowed(organisationId, email);
    const now = this.clock.now();
    const user = {
      id: newId(now.getTime()),
      organisationId,
      email,
      displayName: displayName.slice(0, 64),
      role: 'user' as const,
      passwordHash: null,
      createdAt: now.toISOString(),
    };
    try {
      await this.auth.accounts.createUser(user);
    } catch (err) {
      // The same person signing in twice at once: the other request made it.
      if (!isUniqueViolation(err)) throw err;
      const made = await this.auth.accounts.findUserByEmail(email);
      if (!made) throw err;
      return made;
    }
    await this.audit.record(
      { system: 'Single sign-on', organisationId, clientIp },
      'user.created',
      { kind: 'user', id: user.id, name: `${user.displayName} <${email}>` },
      { role: 'user', via: 'oidc' },
    );
    return { ...user, revoked: false };
  }

  private async primaryConfig(): Promise<OidcConfig | null> {
    const organisationId = await this.auth.accounts.primaryOrganisationId();
    return organisationId ? this.store.config(organisationId) : null;
  }

  /** Discovery, once per provider and client (a failed one is tried again next time). */
  private configuration(c: OidcConfig): Promise<oidc.Configuration> {
    const key = `${c.issuer}\n${c.clientId}\n${c.clientSecret === null ? '' : hashToken(c.clientSecret)}`;
    let found = this.discovered.get(key);
    if (!found) {
      found = oidc.discovery(
        new URL(c.issuer),
        c.clientId,
        undefined,
        c.clientSecret === null ? oidc.None() : oidc.ClientSecretBasic(c.clientSecret),
        { ...(this.o.allowInsecureIssuers && { execute: [oidc.allowInsecureRequests] }), timeout: 10 },
      );
      this.discovered.set(key, found);
      found.catch(() => this.discovered.delete(key));
    }
    return found;
  }

  private describe(c: OidcConfig | null): SsoConfigView {
    return {
      protocol: c ? 'oidc' : null,
      issuer: c?.issuer ?? '',
      clientId: c?.clientId ?? '',
      clientSecretSet: c?.clientSecret != null,
      ssoOnly: c?.ssoOnly ?? false,
      redirectUri: this.redirectUri,
    };
  }
}
