/**
 * End-to-end encryption for Conclave, isomorphic (browser worker and Node), on WebCrypto alone but for
 * Argon2id (hash-wasm, WebAssembly).
 * SFrame (RFC 9605): headers, the key schedule, all five cipher suites, senders whose counters never
 * repeat a nonce, receivers with a replay window.
 * Verification: each identity key's Codeword (memory-hard, 64 bits, four pronounceable words) and the
 * meeting's security code (the MLS epoch authenticator as 32 digits).
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
export { codewordOf, CODEWORD_DERIVATION, InvalidIdentityKeyError, type Codeword } from './verify/codeword';
export {
  securityCodeOf,
  SECURITY_CODE_BITS,
  EPOCH_AUTHENTICATOR_MIN_BYTES,
  InvalidEpochAuthenticatorError,
  type SecurityCode,
} from './verify/security-code';
