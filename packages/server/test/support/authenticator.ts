import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';
import type { PasskeyAssertion } from '@conclave/protocol';

/** The JSON of the server's options that a browser hands to its authenticator (what the tests read). */
export interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  excludeCredentials?: { id: string }[];
  authenticatorSelection?: { residentKey?: string; userVerification?: string };
  attestation?: string;
}
export interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
  userVerification?: string;
}

/** What a browser would put in the client data and authenticator data; tests change them to lie. */
export interface Ceremony {
  /** The page's origin (default: the authenticator's). */
  origin?: string;
  /** The relying party whose hash goes into the authenticator data (default: the options'). */
  rpId?: string;
  /** Whether the device checked who holds it (default true). */
  userVerified?: boolean;
  /** Answer a challenge other than the options' (e.g. an old one). */
  challenge?: string;
}

interface Credential {
  id: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/**
 * A software WebAuthn authenticator (ES256, "none" attestation) that answers the server's options as
 * a browser and a security key would together: the client data JSON, the CBOR authenticator data and
 * attestation object, and DER ECDSA signatures. Its credentials are discoverable and count each use.
 */
export class SoftAuthenticator {
  private readonly credentials: Credential[] = [];

  constructor(private readonly origin: string) {}

  /** navigator.credentials.create(): a new credential for the options' relying party and user. */
  register(options: CreationOptions, ceremony: Ceremony = {}) {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credential: Credential = {
      id: b64url(randomBytes(32)),
      privateKey,
      publicKey,
      rpId,
      userHandle: options.user.id,
      counter: 0,
    };
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = encodeCBOR(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const idBytes = Buffer.from(credential.id, 'base64url');
    const attested = Buffer.concat([
      Buffer.alloc(16), // AAGUID: none
      Buffer.from([idBytes.length >> 8, idBytes.length & 0xff]),
      idBytes,
      cose,
    ]);
    const authData = authenticatorData(ceremony.rpId ?? rpId, ceremony, 0, attested);
    const attestationObject = encodeCBOR(
      new Map<string, CBORType>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, CBORType>()],
        ['authData', authData],
      ]),
    );
    this.credentials.push(credential);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key' as const,
      response: {
        clientDataJSON: this.clientData('webauthn.create', options.challenge, ceremony),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }

  /**
   * navigator.credentials.get(): signs with the credential `credentialId`, or with the one the options
   * allow, or (discoverable) with the first this authenticator holds for the relying party.
   */
  answer(
    options: RequestOptions,
    ceremony: Ceremony & {
      credentialId?: string;
      /** Claim this credential id (and its user handle) while signing with ours: a forgery. */
      claim?: { id: string; userHandle: string };
    } = {},
  ): PasskeyAssertion {
    const rpId = options.rpId ?? new URL(this.origin).hostname;
    const allowed = options.allowCredentials?.map((c) => c.id);
    const credential = this.credentials.find((c) =>
      ceremony.credentialId
        ? c.id === ceremony.credentialId
        : c.rpId === rpId && (!allowed?.length || allowed.includes(c.id)),
    );
    if (!credential) throw new Error('this authenticator holds no credential for these options');
    credential.counter += 1;
    const authData = authenticatorData(ceremony.rpId ?? rpId, ceremony, credential.counter);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, ceremony);
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(Buffer.from(clientDataJSON, 'base64url'))]),
      credential.privateKey,
    );
    const id = ceremony.claim?.id ?? credential.id;
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON,
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: ceremony.claim?.userHandle ?? credential.userHandle,
      },
      clientExtensionResults: {},
    };
  }

  /** A copy of this authenticator's credentials, counters included, as a cloned device would hold. */
  clone(): SoftAuthenticator {
    const copy = new SoftAuthenticator(this.origin);
    copy.credentials.push(...this.credentials.map((c) => ({ ...c })));
    return copy;
  }

  private clientData(type: string, challenge: string, ceremony: Ceremony): string {
    return b64url(
      JSON.stringify({
        type,
        challenge: ceremony.challenge ?? challenge,
        origin: ceremony.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
  }
}

/** rpIdHash, flags (user present, verified, attested data), the big-endian counter, then any more. */
function authenticatorData(rpId: string, ceremony: Ceremony, counter: number, attested?: Buffer): Buffer {
  const flags = 0x01 | (ceremony.userVerified === false ? 0 : 0x04) | (attested ? 0x40 : 0);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(counter);
  return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
}
