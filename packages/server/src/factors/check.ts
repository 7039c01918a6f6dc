import type { SecondFactorMethod, SecondFactorRequest } from '@conclave/protocol';
import type { SecondFactorGate } from '../auth';
import type { Clock } from '../common/clock';
import { recoveryCodeHash, totpStep } from './codes';
import type { FactorStore } from './store';

/** What sign-in asks of an account's second factors: which it has, and whether a proof is right. */
export class FactorCheck implements SecondFactorGate {
  constructor(
    private readonly store: FactorStore,
    private readonly clock: Clock,
  ) {}

  async methodsOf(userId: string): Promise<SecondFactorMethod[]> {
    const totp = await this.store.totp(userId);
    // Recovery codes stand in for a factor; they are not one by themselves.
    return totp?.confirmed ? ['totp', 'recovery'] : [];
  }

  async check(userId: string, proof: SecondFactorRequest): Promise<boolean> {
    const now = this.clock.now();
    if (proof.method === 'recovery') {
      return this.store.useRecoveryCode(userId, recoveryCodeHash(proof.code), now.toISOString());
    }
    const totp = await this.store.totp(userId);
    if (!totp?.confirmed) return false;
    const step = await totpStep(totp.secret, proof.code.replace(/\s+/g, ''), now, totp.lastStep);
    // The store takes the step only if no request took it (or a later one) first.
    return step !== null && (await this.store.useTotpStep(userId, step));
  }
}
