/**
 * End-to-end encryption for Conclave, isomorphic (browser worker and Node), on WebCrypto alone.
 * SFrame (RFC 9605): headers, the key schedule, all five cipher suites, senders whose counters never
 * repeat a nonce, receivers with a replay window.
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
