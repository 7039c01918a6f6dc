import type { SecondFactorMethod, SecondFactorRequest } from '@conclave/protocol';
import type { SecondFactorGate } from '../auth';
import type { Clock } from '../common/clock';
import { recoveryCodeHash, totpStep } from './codes';
import type { PasskeyAssertions } from './passkey-assertions';
import type { PasskeyStore } from './passkey-store';
import type { FactorStore } from './store';

/** What sign-in asks of an account's second factors: which it has, and whether a proof is right. */
export class FactorCheck implements SecondFactorGate {
  constructor(
    private readonly store: FactorStore,
    private readonly passkeys: PasskeyStore,
    private readonly assertions: PasskeyAssertions,
    private readonly clock: Clock,
  ) {}

  /** The strongest first: a passkey cannot be phished. */
  async methodsOf(userId: string): Promise<SecondFactorMethod[]> {
    const methods: SecondFactorMethod[] = [];
    if ((await this.passkeys.count(userId)) > 0) methods.push('passkey');
    if ((await this.store.totp(userId))?.confirmed) methods.push('totp');
    // Recovery codes stand in for a factor; they are not one by themselves.
    if (methods.length > 0) methods.push('recovery');
    return methods;
  }

  /** A passkey that fails throws its own refusal (`passkey_failed`, `passkey_cloned`), saying why. */
  async check(userId: string, proof: SecondFactorRequest): Promise<boolean> {
    const now = this.clock.now();
    if (proof.method === 'passkey') {
      await this.assertions.verify(proof.response, { purpose: 'second-factor', userId });
      return true;
    }
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
