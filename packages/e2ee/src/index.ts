/**
 * End-to-end encryption for Conclave, isomorphic (browser worker and Node): WebCrypto, MLS through
 * ts-mls (only in src/mls/), Argon2id through hash-wasm (WebAssembly). No server imports.
 * - SFrame (RFC 9605): headers, the key schedule, all five cipher suites, senders whose counters never
 *   repeat a nonce, receivers with a replay window.
 * - Identity and admission: non-extractable device keys, moderator-signed admissions, leaf credentials.
 * - MLS (RFC 9420): the group every member runs, and the delivery service's key-free view of it.
 * - Verification: each identity key's Codeword (memory-hard, 64 bits, four pronounceable words) and the
 *   meeting's security code (the MLS epoch authenticator as 32 digits).
 * - Media frames: MLS-keyed KIDs per stream, codec bytes left in clear (and authenticated), the epoch
 *   key ring a worker holds.
 */
export { CipherSuite, type CipherSuiteId } from './sframe/suites';
export { deriveSFrameKey, type SFrameKey } from './sframe/frame';
export {
  SFrameSender,
  SFrameReceiver,
  REPLAY_WINDOW,
  type DropReason,
  type OpenResult,
} from './sframe/context';
export { encodeHeader, decodeHeader, SFrameFormatError, type SFrameHeader } from './sframe/header';
export { checkVectors, type VectorReport } from './sframe/vectors';

// Identity (E2EE-IDENTITY) and admission (E2EE-ADMIT): who a leaf is and who let it in.
export {
  generateIdentityKeys,
  deviceIdentity,
  verifyIdentitySignature,
  identityFingerprint,
  type DeviceIdentity,
  type IdentityKeyPair,
} from './identity/device-identity';
export { signAdmission, verifyAdmission, type Admission, type AdmissionPolicy } from './identity/admission';
export {
  createLeafCredential,
  encodeLeafCredential,
  decodeLeafCredential,
  verifyLeafCredential,
  type LeafCredential,
  type TrustContext,
} from './identity/leaf-credential';
export { leafRules, ADMISSION_MAX_AGE_MS } from './identity/leaf-rules';

// MLS (RFC 9420) through ts-mls, behind src/mls/ alone.
export {
  MlsGroup,
  PendingMember,
  generateSigningKeys,
  warmUpMls,
  type LeafRules,
  type MlsMember,
  type Received,
  type RefusalReason,
  type CommitOutput,
} from './mls/group';
export {
  generateDeliveryServiceKeys,
  externalProposal,
  inspectHandshake,
  proposalReference,
  keyPackageCredential,
  isWelcome,
  type DeliveryServiceKeys,
  type GroupCoordinates,
  type HandshakeView,
} from './mls/wire';
export { MLS_SUITE } from './mls/suite';

// Verification: Codewords (E2EE-CODEWORD) and the security code (E2EE-SECURITY-CODE).
export { codewordOf, CODEWORD_DERIVATION, InvalidIdentityKeyError, type Codeword } from './verify/codeword';
export {
  securityCodeOf,
  SECURITY_CODE_BITS,
  EPOCH_AUTHENTICATOR_MIN_BYTES,
  InvalidEpochAuthenticatorError,
  type SecurityCode,
} from './verify/security-code';

// The media frame layer a worker runs (E2EE-FRAME): KIDs per stream, clear codec bytes, the epoch key ring.
export { MEDIA_SUITE, MEDIA_BASE_KEY_LENGTH, type StreamKind } from './media/kid';
export { mediaCodec, UnsupportedCodecError, type MediaCodec } from './media/codecs';
export {
  MediaKeyRing,
  type KeyRingOptions,
  type FrameEncryptor,
  type FrameStats,
  type ReceivedMediaFrame,
} from './media/key-ring';

// A participant's side of the group, transport-independent, and its mapping onto signaling frames.
export {
  E2eeMember,
  type MemberOptions,
  type MemberTransport,
  type EpochKeySink,
  type MemberSnapshot,
  type MemberStatus,
  type GroupMemberInfo,
} from './session/member';
export { signalingTransport, deliver, toBase64Url, fromBase64Url } from './session/signaling';
