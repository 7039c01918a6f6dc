import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { COSEALG, isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';
import { ExplainedRefusal } from '../common/errors';
import type { PasskeyRecord } from './passkey-store';

/** What authenticators show beside the account. */
const RP_NAME = 'Conclave';
/** How the browser may reach a passkey: a hint it gets back, so only names WebAuthn defines are kept. */
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);
/**
 * The keys passkeys use. Named rather than left to simplewebauthn, whose default adds ML-DSA where
 * the runtime has it: experimental in Node still (it warns on every start), and no authenticator
 * needs it yet.
 */
const ALGORITHMS = [COSEALG.EdDSA, COSEALG.ES256, COSEALG.RS256];

/** Whether a challenge the browser answered is one of ours, taken now so it serves once. */
export type TakeChallenge = (challenge: string) => Promise<boolean>;

export interface NewCredential {
  id: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

/**
 * This site as a WebAuthn relying party: its id is the host name of CONCLAVE_PUBLIC_URL and the only
 * origin it accepts is that URL's, so a passkey made here answers nowhere else (and a phishing page's
 * answers are refused). It wraps @simplewebauthn/server; a refusal is an ExplainedRefusal whose cause
 * goes to the log, without the challenge.
 */
export class RelyingParty {
  readonly id: string;
  private readonly origin: string;

  constructor(publicUrl: string) {
    const url = new URL(publicUrl);
    this.id = url.hostname;
    this.origin = url.origin;
  }

  /**
   * Options for a new passkey that can sign in alone: kept on the device (resident key), which checks
   * who holds it (user verification); no attestation is asked, so no device is refused for its make.
   */
  registrationOptions(
    user: { id: string; email: string; displayName: string },
    existing: PasskeyRecord[],
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: this.id,
      userName: user.email,
      userDisplayName: user.displayName,
      // Stable per account, so a device that has a passkey for this account replaces it.
      userID: isoUint8Array.fromUTF8String(user.id),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      supportedAlgorithmIDs: ALGORITHMS,
    });
  }

  async verifyRegistration(
    response: RegistrationResponseJSON,
    takeChallenge: TakeChallenge,
  ): Promise<NewCredential> {
    const result = await this.refusing(400, () =>
      verifyRegistrationResponse({
        response,
        expectedChallenge: takeChallenge,
        expectedOrigin: this.origin,
        expectedRPID: this.id,
        requireUserVerification: true,
        supportedAlgorithmIDs: ALGORITHMS,
      }),
    );
    if (!result.verified) throw refused('the registration did not verify', 400);
    const { credential } = result.registrationInfo;
    return {
      id: credential.id,
      publicKey: isoBase64URL.fromBuffer(credential.publicKey),
      counter: credential.counter,
      transports: (credential.transports ?? []).filter((t) => TRANSPORTS.has(t)),
    };
  }

  /**
   * Options for an answer: from anyone (`allow` null: the browser offers the passkeys it holds for
   * this site), or from one person's passkeys (after their password, or confirming a change).
   */
  authenticationOptions(
    allow: PasskeyRecord[] | null,
    userVerification: 'required' | 'preferred',
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return generateAuthenticationOptions({
      rpID: this.id,
      userVerification,
      ...(allow && { allowCredentials: allow.map((p) => ({ id: p.id, transports: p.transports })) }),
    });
  }

  /**
   * Checks an answer signed by this passkey: challenge, origin, RP id, presence (and verification when
   * asked), signature. The counter it reported is returned unchecked: the caller compares it once the
   * signature is known to be the passkey's (see PasskeyAssertions).
   */
  async verifyAssertion(
    response: AuthenticationResponseJSON,
    passkey: PasskeyRecord,
    takeChallenge: TakeChallenge,
    requireUserVerification: boolean,
  ): Promise<number> {
    const result = await this.refusing(401, () =>
      verifyAuthenticationResponse({
        response,
        expectedChallenge: takeChallenge,
        expectedOrigin: this.origin,
        expectedRPID: this.id,
        // simplewebauthn's own counter check would throw a plain Error before the signature is checked;
        // with 0 here it passes every counter through, and the caller's check below comes after.
        credential: { id: passkey.id, publicKey: isoBase64URL.toBuffer(passkey.publicKey), counter: 0 },
        requireUserVerification,
      }),
    );
    if (!result.verified) throw refused('the signature did not verify');
    return result.authenticationInfo.newCounter;
  }

  private async refusing<T>(status: 400 | 401, verify: () => Promise<T>): Promise<T> {
    try {
      return await verify();
    } catch (err) {
      throw refused(err instanceof Error ? err.message : String(err), status);
    }
  }
}

/**
 * A passkey answer refused: the client hears the stable code, the log hears why, as a warning unless
 * it is only a stale or repeated challenge (a slow person, a double click).
 */
export function refused(reason: string, status: 400 | 401 = 401): ExplainedRefusal {
  // simplewebauthn names the challenge in some messages; it stays out of the log.
  const stale = /challenge/i.test(reason);
  const said = stale ? 'the challenge is unknown, used, expired or not this one' : reason.slice(0, 200);
  return new ExplainedRefusal(
    status,
    'passkey_failed',
    'That passkey was not accepted. Try again, or use another way to sign in.',
    { reason: `passkey refused: ${said}` },
    stale ? 'info' : 'warn',
  );
}
