import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { passkeySignInRequestSchema, type PasskeySignInRequest } from '@conclave/protocol';
import type { AuthService, IssuedSession } from '../auth';
import { AppError, RateLimitError } from '../common/errors';
import { describeWait, type Limiters, type WindowLimiter } from '../common/rate-limit';
import type { PasskeyAssertions } from './passkey-assertions';
import { refused } from './relying-party';

/** Each set of options leaves a challenge behind for 5 minutes: generous for an office, a bound for a stranger. */
const OPTIONS_PER_ADDRESS = { limit: 60, windowMs: 10 * 60_000 };

/**
 * The way into a session with a passkey (IAM-LOCAL): alone, which is both factors (and so also meets
 * the organisation's second-factor requirement), or as the second step after a password (whose proof
 * `FactorCheck` checks). Options are counted per client address before a challenge is kept.
 */
export class PasskeySignIn {
  private readonly optionsPerAddress: WindowLimiter;

  constructor(
    private readonly assertions: PasskeyAssertions,
    private readonly auth: AuthService,
    limiters: Limiters,
    private readonly ssoOnly: (organisationId: string) => Promise<boolean>,
  ) {
    this.optionsPerAddress = limiters.window('passkey:options', OPTIONS_PER_ADDRESS);
  }

  /** Options for a passkey alone: the browser offers whichever of this site's passkeys it holds. */
  async options(clientIp: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    await this.admit(clientIp);
    return this.assertions.options({ purpose: 'sign-in' });
  }

  /** Options for the second step of a password sign-in: the passkeys of its account. */
  async secondFactorOptions(
    challengeToken: string | undefined,
    clientIp: string,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    await this.admit(clientIp);
    const userId = await this.auth.challenges.pending(challengeToken);
    if (!userId) {
      throw new AppError(401, 'second_factor_failed', 'This sign-in expired; enter your password again');
    }
    return this.assertions.options({ purpose: 'second-factor', userId });
  }

  /**
   * A session for the passkey's owner. As with a password, "SSO only" refuses everyone but the
   * Administrator: a passkey is a local way in, which the identity provider does not govern.
   */
  async signIn(input: PasskeySignInRequest): Promise<IssuedSession> {
    const { response } = passkeySignInRequestSchema.parse(input);
    const passkey = await this.assertions.verify(response, { purpose: 'sign-in' });
    const user = await this.auth.accounts.findUserById(passkey.userId);
    if (!user) throw refused('its account is gone');
    if (user.role !== 'administrator' && (await this.ssoOnly(user.organisationId))) {
      throw new AppError(403, 'sso_only', 'Your organisation signs in through its identity provider');
    }
    return this.auth.signInVouched(user, 'passkey');
  }

  private async admit(clientIp: string): Promise<void> {
    const decision = await this.optionsPerAddress.consume(clientIp);
    if (!decision.allowed) {
      throw new RateLimitError(
        `Too many passkey sign-ins from your address. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
        decision.retryAfterSeconds,
      );
    }
  }
}
