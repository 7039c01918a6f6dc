import * as oidc from 'openid-client';
import type { AuthService, IssuedSession } from '../auth';
import type { Clock } from '../common/clock';
import { hashToken, newId, newSecretToken } from '../common/ids';
import { safeNext, ssoFailed, ssoUnavailable, type SsoAccounts } from './accounts';
import type { OidcConfig, SsoStore } from './store';

export interface OidcOptions {
  publicUrl: string;
  /** Only for tests against an identity provider on http://127.0.0.1: production issuers use HTTPS. */
  allowInsecureIssuers?: boolean;
  /** How long a sign-in may stay at the identity provider (default 10 minutes). */
  attemptTtlMs?: number;
}

/**
 * OpenID Connect sign-in (IAM-SSO-OIDC) as a relying party, with openid-client: authorization code
 * with PKCE (S256), state and nonce, the provider found by discovery. The browser carries only a
 * random token naming the attempt; state, nonce and PKCE verifier stay on the server, each attempt
 * serves once. The provider must have verified the address it vouches for.
 */
export class OidcSignIn {
  private readonly discovered = new Map<string, Promise<oidc.Configuration>>();
  readonly redirectUri: string;

  constructor(
    private readonly store: SsoStore,
    private readonly accounts: SsoAccounts,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    private readonly o: OidcOptions,
  ) {
    this.redirectUri = new URL('/api/auth/sso/oidc/callback', o.publicUrl).toString();
  }

  /** Whether the provider answers discovery for this client: a typo is caught when configuring. */
  async answers(config: OidcConfig): Promise<boolean> {
    return this.configuration(config).then(
      () => true,
      () => false,
    );
  }

  /** Where to send the browser, and the token its cookie keeps until it comes back. */
  async start(config: OidcConfig, next: string | undefined): Promise<{ url: string; token: string }> {
    const configuration = await this.configuration(config).catch(() => {
      throw ssoUnavailable('The identity provider cannot be reached; try again later');
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
    if (!attempt) throw ssoFailed('This sign-in expired or was already used; start again');
    const config = await this.store.config(attempt.organisationId);
    if (config?.protocol !== 'oidc') throw ssoUnavailable();
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
      throw ssoFailed();
    }
    // An address the provider has not verified could be anyone's: it names no account here.
    if (typeof claims.email !== 'string' || claims.email_verified !== true) {
      throw ssoFailed('The identity provider did not vouch for an email address');
    }
    const name = typeof claims.name === 'string' ? claims.name : null;
    const user = await this.accounts.accountFor(
      attempt.organisationId,
      { email: claims.email, name },
      'oidc',
      clientIp,
    );
    return { session: await this.auth.signInVouched(user, 'sso'), next: attempt.next };
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
}
