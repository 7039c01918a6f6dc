import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { PasskeyAssertion } from '@conclave/protocol';
import type { Clock } from '../common/clock';
import { AppError, ExplainedRefusal } from '../common/errors';
import type { PasskeyChallenges } from './passkey-challenges';
import type { PasskeyRecord, PasskeyStore } from './passkey-store';
import { refused, type RelyingParty } from './relying-party';

/**
 * Whose passkey an answer is asked of, and what for: anyone's, to sign in alone; one person's, as the
 * second factor after their password; or one signed-in person's, to confirm a change in place of their
 * current password. Each purpose has its own challenges, so an answer serves only the one it was for.
 */
type Asked = { purpose: 'sign-in' } | { purpose: 'second-factor' | 'confirm'; userId: string };

/**
 * Passkey answers: the options a browser needs, and the check of its answer. Alone, or confirming a
 * change, the device must have verified who holds it (it is both factors, or stands for the password);
 * after a password, only that person's passkeys may answer, and presence is enough.
 */
export class PasskeyAssertions {
  constructor(
    private readonly store: PasskeyStore,
    private readonly challenges: PasskeyChallenges,
    private readonly rp: RelyingParty,
    private readonly clock: Clock,
  ) {}

  /** Options naming the person's passkeys (for anyone's: none), with a challenge kept for the purpose. */
  async options(asked: Asked): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const userId = ownerOf(asked);
    const allow = userId === null ? null : await this.store.list(userId);
    if (allow?.length === 0) throw new AppError(409, 'conflict', 'This account has no passkey');
    const options = await this.rp.authenticationOptions(allow, verifies(asked) ? 'required' : 'preferred');
    await this.challenges.keep(options.challenge, asked.purpose, userId);
    return options;
  }

  /**
   * The passkey that signed this answer to one of our challenges for this purpose (and person). Its
   * counter and last use are recorded; a counter that did not go up refuses it as a copy
   * (`passkey_cloned`).
   */
  async verify(response: PasskeyAssertion, asked: Asked): Promise<PasskeyRecord> {
    const userId = ownerOf(asked);
    const passkey = await this.store.find(response.id);
    if (!passkey) throw refused('no passkey has this credential id');
    if (userId !== null && passkey.userId !== userId) throw refused('another account’s passkey');
    // The handle is not signed; a mismatch still means the answer was tampered with.
    const handle = response.response.userHandle;
    if (handle !== undefined && handle !== Buffer.from(passkey.userId).toString('base64url')) {
      throw refused('the user handle is not the passkey owner’s');
    }
    const counter = await this.rp.verifyAssertion(
      response,
      passkey,
      (challenge) => this.challenges.take(challenge, asked.purpose, userId),
      verifies(asked),
    );
    // Compared only now that the signature is known to be the passkey's. A device that keeps no
    // counter reports 0 every time; one that does must report more than last time, or it is a copy.
    // The store's update is conditional too, so of two answers racing with one counter, one wins.
    const increased = (counter === 0 && passkey.counter === 0) || counter > passkey.counter;
    if (!increased || !(await this.store.recordUse(passkey.id, counter, this.clock.now().toISOString()))) {
      throw cloned(passkey, counter);
    }
    return passkey;
  }
}

const cloned = (passkey: PasskeyRecord, counter: number) =>
  new ExplainedRefusal(
    401,
    'passkey_cloned',
    'This passkey was refused: its device says it was used fewer times than before, as a copy of it ' +
      'would. If it is yours, sign in another way, remove it from your account and add it again.',
    {
      reason: 'passkey refused: its signature counter did not go up (a cloned authenticator?)',
      userId: passkey.userId,
      counter: `${counter}, last ${passkey.counter}`,
    },
    'warn',
  );

const ownerOf = (asked: Asked): string | null => (asked.purpose === 'sign-in' ? null : asked.userId);
/** Presence is enough only after a password: everywhere else the passkey stands for one. */
const verifies = (asked: Asked): boolean => asked.purpose !== 'second-factor';
