import type { Clock } from '../common/clock';
import { RateLimitError } from '../common/errors';
import {
  BackoffLimiter,
  describeWait,
  RateLimiter,
  type BackoffRule,
  type RateLimitDecision,
  type RateLimitRule,
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
export interface SignInAttempt {
  succeeded(): void;
}

/**
 * Decides whether a sign-in attempt may run its (expensive) password check, and counts it before
 * the check runs, so a burst of parallel guesses is bounded like a sequence. In memory, per process;
 * shared limits across nodes come with the scale-out work. Design and numbers: docs/architecture.md.
 */
export class SignInGuard {
  private readonly perAddress: RateLimiter;
  private readonly perAccountAndAddress: BackoffLimiter;
  private readonly perAccountUntrusted: RateLimiter;
  private readonly perTrustedDevice: RateLimiter;

  constructor(limits: SignInLimits, clock: Clock) {
    this.perAddress = new RateLimiter(limits.perAddress, clock);
    this.perAccountAndAddress = new BackoffLimiter(limits.perAccountAndAddress, clock);
    this.perAccountUntrusted = new RateLimiter(limits.perAccountUntrusted, clock);
    this.perTrustedDevice = new RateLimiter(limits.perTrustedDevice, clock);
  }

  /**
   * Takes the per-address limit first, before anything is looked up, so a flood from one address
   * over its limit costs no database work. Then `forAccount` takes the account's limits once the
   * caller knows whether this browser is one of the account's own. Throws RateLimitError when the
   * attempt must wait (giving back what it had taken).
   */
  reserve(address: string): { forAccount(email: string, trustedDeviceId: string | null): SignInAttempt } {
    const taken: Array<() => void> = [];
    const take = (decision: RateLimitDecision, undo: () => void) => {
      if (!decision.allowed) {
        for (const give of taken) give();
        throw new RateLimitError(
          `Too many sign-in attempts. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
          decision.retryAfterSeconds,
        );
      }
      taken.push(undo);
    };
    take(this.perAddress.consume(address), () => this.perAddress.refund(address));
    return {
      forAccount: (email, trustedDeviceId) => {
        const accountAddress = `${email}\n${address}`;
        if (trustedDeviceId !== null) {
          take(this.perTrustedDevice.consume(trustedDeviceId), () =>
            this.perTrustedDevice.refund(trustedDeviceId),
          );
        } else {
          take(this.perAccountUntrusted.consume(email), () => this.perAccountUntrusted.refund(email));
          // Last, because a backoff reservation cannot be given back if a later limit refused.
          take(this.perAccountAndAddress.reserve(accountAddress), () => undefined);
        }
        return {
          succeeded: () => {
            for (const give of taken) give();
            this.perAccountAndAddress.succeeded(accountAddress);
            if (trustedDeviceId !== null) this.perTrustedDevice.reset(trustedDeviceId);
          },
        };
      },
    };
  }
}
