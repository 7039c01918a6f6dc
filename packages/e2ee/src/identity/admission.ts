import { CodecError, Reader, Writer } from '../codec';
import { equalBytes } from '../sframe/bytes';
import { identityFingerprint, verifyIdentitySignature, type DeviceIdentity } from './device-identity';

/**
 * A moderator's signed word that one identity key may take part in one meeting as one participant
 * (E2EE-ADMIT). Clients hand keys only to leaves that carry one signed by the meeting's trust anchor,
 * so a server that adds a participant of its own gets nothing.
 */
export interface Admission {
  meetingId: string;
  participantId: string;
  /** SHA-256 of the admitted identity public key. */
  subject: Uint8Array<ArrayBuffer>;
  /** Milliseconds since the epoch, by the admitter's clock. */
  issuedAt: number;
  admitterKey: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

const LABEL = 'conclave/e2ee/admission/v1';

function statement(a: Omit<Admission, 'signature'>): Uint8Array<ArrayBuffer> {
  return new Writer()
    .string(LABEL)
    .string(a.meetingId)
    .string(a.participantId)
    .bytes(a.subject)
    .uint(a.issuedAt)
    .bytes(a.admitterKey)
    .finish();
}

export async function signAdmission(
  admitter: DeviceIdentity,
  request: {
    meetingId: string;
    participantId: string;
    identityKey: Uint8Array<ArrayBuffer>;
    issuedAt: number;
  },
): Promise<Admission> {
  const unsigned = {
    meetingId: request.meetingId,
    participantId: request.participantId,
    subject: await identityFingerprint(request.identityKey),
    issuedAt: request.issuedAt,
    admitterKey: admitter.publicKey,
  };
  return { ...unsigned, signature: await admitter.sign(statement(unsigned)) };
}

/** Who may admit, and for what: the meeting and its anchor (the owner's identity key). */
export interface AdmissionPolicy {
  meetingId: string;
  anchorKey: Uint8Array<ArrayBuffer>;
}

/** Checks an admission for `identityKey` as `participantId`; every mismatch is a refusal. */
export async function verifyAdmission(
  admission: Admission,
  policy: AdmissionPolicy,
  subject: { participantId: string; identityKey: Uint8Array<ArrayBuffer> },
): Promise<boolean> {
  if (admission.meetingId !== policy.meetingId) return false;
  if (admission.participantId !== subject.participantId) return false;
  if (!equalBytes(admission.admitterKey, policy.anchorKey)) return false;
  if (!equalBytes(admission.subject, await identityFingerprint(subject.identityKey))) return false;
  return verifyIdentitySignature(admission.admitterKey, statement(admission), admission.signature);
}

export function encodeAdmission(a: Admission): Uint8Array<ArrayBuffer> {
  return new Writer()
    .string(a.meetingId)
    .string(a.participantId)
    .bytes(a.subject)
    .uint(a.issuedAt)
    .bytes(a.admitterKey)
    .bytes(a.signature)
    .finish();
}

export function decodeAdmission(bytes: Uint8Array): Admission {
  const r = new Reader(bytes);
  const a: Admission = {
    meetingId: r.string(),
    participantId: r.string(),
    subject: r.bytes(),
    issuedAt: r.uint(),
    admitterKey: r.bytes(),
    signature: r.bytes(),
  };
  r.end();
  if (a.subject.length !== 32) throw new CodecError('an admission names a 32-byte fingerprint');
  return a;
}
