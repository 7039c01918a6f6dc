import { RateLimitError } from '../common/errors';
import {
  describeWait,
  type BackoffLimiter,
  type BackoffRule,
  type Limiters,
  type RateLimitDecision,
  type RateLimitRule,
  type WindowLimiter,
} from '../common/rate-limit';

export interface SignInLimits {
  /**
   * Failures per client address across all accounts (password spraying). Successful sign-ins are
   * given back, so an office behind one address can sign in all morning.
   */
  perAddress: RateLimitRule;
  /**
   * Failures per account from one address: a few free, then growing delays. This is the only
   * limit a stranger meets when guessing from one place, and it slows no one but that stranger.
   */
  perAccountAndAddress: BackoffRule;
  /**
   * Failures per account from browsers it has never signed in from, whatever their address: the cap
   * on guessing one password over time, even from many addresses. Reaching it refuses only unknown
   * browsers; the owner's own browsers (trusted devices) still sign in.
   */
  perAccountUntrusted: RateLimitRule;
  /** Failures from one of the account's trusted browsers, after which it is trusted no more. */
  perTrustedDevice: RateLimitRule;
}

export const defaultSignInLimits: SignInLimits = {
  perAddress: { limit: 30, windowMs: 15 * 60_000 },
  perAccountAndAddress: {
    free: 5,
    initialDelayMs: 30_000,
    maxDelayMs: 15 * 60_000,
    forgetAfterMs: 24 * 3600_000,
  },
  perAccountUntrusted: { limit: 50, windowMs: 3600_000 },
  perTrustedDevice: { limit: 10, windowMs: 15 * 60_000 },
};

/** One reserved sign-in attempt: report how it went. */
interface SignInAttempt {
  /** Gives back what the attempt took; never throws (see WindowLimiter). */
  succeeded(): Promise<void>;
}

/** What `SignInGuard.reserve` took for the address; the account's limits follow. */
export interface AddressReservation {
  forAccount(email: string, trustedDeviceId: string | null): Promise<SignInAttempt>;
}

/**
 * Decides whether a sign-in attempt may run its (expensive) password check, and counts it before
 * the check runs, so a burst of parallel guesses is bounded like a sequence. The counts live where
 * `limiters` keeps them: this process, or Redis shared by every node, so that changing node does not
 * multiply attempts (NET-SCALE). Design and numbers: docs/architecture.md.
 */
export class SignInGuard {
  private readonly perAddress: WindowLimiter;
  private readonly perAccountAndAddress: BackoffLimiter;
  private readonly perAccountUntrusted: WindowLimiter;
  private readonly perTrustedDevice: WindowLimiter;

  constructor(limits: SignInLimits, limiters: Limiters) {
    this.perAddress = limiters.window('sign-in:address', limits.perAddress);
    this.perAccountAndAddress = limiters.backoff('sign-in:account-address', limits.perAccountAndAddress);
    this.perAccountUntrusted = limiters.window('sign-in:account-untrusted', limits.perAccountUntrusted);
    this.perTrustedDevice = limiters.window('sign-in:trusted-device', limits.perTrustedDevice);
  }

  /**
   * Takes the per-address limit first, before anything is looked up, so a flood from one address
   * over its limit costs no database work. Then `forAccount` takes the account's limits once the
   * caller knows whether this browser is one of the account's own. Throws RateLimitError when the
   * attempt must wait, or the limit store's error when it could not be counted (giving back, in
   * both cases, what it had taken).
   */
  async reserve(address: string): Promise<AddressReservation> {
    const taken: Array<() => Promise<void>> = [];
    const giveBack = () => Promise.all(taken.map((give) => give()));
    const take = async (decide: Promise<RateLimitDecision>, undo: () => Promise<void>) => {
      let decision: RateLimitDecision;
      try {
        decision = await decide;
      } catch (err) {
        await giveBack();
        throw err;
      }
      if (!decision.allowed) {
        await giveBack();
        throw new RateLimitError(
          `Too many sign-in attempts. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
          decision.retryAfterSeconds,
        );
      }
      taken.push(undo);
    };
    await take(this.perAddress.consume(address), () => this.perAddress.refund(address));
    return {
      forAccount: async (email, trustedDeviceId) => {
        const accountAddress = `${email}\n${address}`;
        if (trustedDeviceId !== null) {
          await take(this.perTrustedDevice.consume(trustedDeviceId), () =>
            this.perTrustedDevice.refund(trustedDeviceId),
          );
        } else {
          await take(this.perAccountUntrusted.consume(email), () => this.perAccountUntrusted.refund(email));
          // Last, because a backoff reservation cannot be given back if a later limit refused.
          await take(this.perAccountAndAddress.reserve(accountAddress), () => Promise.resolve());
        }
        return {
          succeeded: async () => {
            await Promise.all([
              giveBack(),
              this.perAccountAndAddress.succeeded(accountAddress),
              trustedDeviceId !== null && this.perTrustedDevice.reset(trustedDeviceId),
            ]);
          },
        };
      },
    };
  }
}
