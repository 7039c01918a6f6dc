import { CodecError, Reader, Writer } from '../codec';
import {
  decodeAdmission,
  encodeAdmission,
  verifyAdmission,
  type Admission,
  type AdmissionPolicy,
} from './admission';
import { IDENTITY_KEY_LENGTH, verifyIdentitySignature, type DeviceIdentity } from './device-identity';

/**
 * What a member's MLS leaf says about it: who it is (participant id, long-term identity key), that
 * the identity key vouches for this leaf's per-meeting MLS signature key in this group (the binding),
 * and that a moderator admitted that identity. The MLS signature key is raw bytes the MLS library
 * needs; the binding is how a non-extractable WebCrypto identity stands behind it.
 */
export interface LeafCredential {
  participantId: string;
  identityKey: Uint8Array<ArrayBuffer>;
  binding: Uint8Array<ArrayBuffer>;
  admission: Admission;
}

const VERSION = 'conclave/e2ee/leaf/v1';

function bindingStatement(groupId: Uint8Array, signatureKey: Uint8Array, participantId: string) {
  return new Writer().string(VERSION).bytes(groupId).bytes(signatureKey).string(participantId).finish();
}

export async function createLeafCredential(
  identity: DeviceIdentity,
  leaf: { participantId: string; groupId: Uint8Array; signatureKey: Uint8Array; admission: Admission },
): Promise<LeafCredential> {
  return {
    participantId: leaf.participantId,
    identityKey: identity.publicKey,
    binding: await identity.sign(bindingStatement(leaf.groupId, leaf.signatureKey, leaf.participantId)),
    admission: leaf.admission,
  };
}

export function encodeLeafCredential(c: LeafCredential): Uint8Array<ArrayBuffer> {
  return new Writer()
    .string(VERSION)
    .string(c.participantId)
    .bytes(c.identityKey)
    .bytes(c.binding)
    .bytes(encodeAdmission(c.admission))
    .finish();
}

/** Throws CodecError for bytes that are not a leaf credential of this version. */
export function decodeLeafCredential(bytes: Uint8Array): LeafCredential {
  const r = new Reader(bytes);
  if (r.string() !== VERSION) throw new CodecError('not a Conclave leaf credential');
  const c = {
    participantId: r.string(),
    identityKey: r.bytes(),
    binding: r.bytes(),
    admission: decodeAdmission(r.bytes()),
  };
  r.end();
  if (c.identityKey.length !== IDENTITY_KEY_LENGTH) throw new CodecError('identity key of the wrong length');
  return c;
}

/** The group a leaf must belong to and who may admit into it. */
export interface TrustContext extends AdmissionPolicy {
  groupId: Uint8Array;
}

/**
 * The whole check of one leaf: well formed, its identity key signed this MLS key for this group and
 * participant, and the anchor admitted that identity as that participant in this meeting.
 * Returns the credential when it holds, null otherwise.
 */
export async function verifyLeafCredential(
  bytes: Uint8Array,
  signatureKey: Uint8Array,
  trust: TrustContext,
): Promise<LeafCredential | null> {
  let c: LeafCredential;
  try {
    c = decodeLeafCredential(bytes);
  } catch (err) {
    if (err instanceof CodecError) return null;
    throw err;
  }
  const bound = await verifyIdentitySignature(
    c.identityKey,
    bindingStatement(trust.groupId, signatureKey, c.participantId),
    c.binding,
  );
  if (!bound) return null;
  const admitted = await verifyAdmission(c.admission, trust, c);
  return admitted ? c : null;
}
