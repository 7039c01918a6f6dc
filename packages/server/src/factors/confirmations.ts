import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { ConfirmationProof } from '@conclave/protocol';
import type { AuthService } from '../auth';
import type { UserRecord } from '../auth/store';
import type { PasskeyAssertions } from './passkey-assertions';

/**
 * "Confirm it is you" before a change that guards an account (IAM-LOCAL): a new password, removing a
 * factor, new recovery codes, a new passkey. The current password confirms (counted per account by
 * `AuthService.confirmPassword`), or instead a fresh answer of one of the person's own passkeys to a
 * challenge made for this purpose and person, its device verifying who holds it: a passkey signs in
 * alone, so it is worth the password, and a stolen session holds neither.
 */
export class Confirmations {
  constructor(
    private readonly auth: Pick<AuthService, 'confirmPassword'>,
    private readonly assertions: PasskeyAssertions,
  ) {}

  /** Options naming the person's passkeys (409 without any); a new set replaces the one before. */
  passkeyOptions(userId: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.assertions.options({ purpose: 'confirm', userId });
  }

  /**
   * Throws unless the proof is this person's: their password (400 `invalid_credentials` on
   * `currentPassword`), or their passkey answering a confirmation challenge (401 `passkey_failed`, or
   * `passkey_cloned` when its counter went back). A sign-in's or another person's answer is refused.
   */
  async confirm(user: UserRecord, proof: ConfirmationProof): Promise<void> {
    if (proof.passkey === undefined) await this.auth.confirmPassword(user, proof.currentPassword);
    else await this.assertions.verify(proof.passkey, { purpose: 'confirm', userId: user.id });
  }
}
