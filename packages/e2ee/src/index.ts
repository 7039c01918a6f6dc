/**
 * End-to-end encryption for Conclave, isomorphic (browser worker and Node), on WebCrypto alone.
 * SFrame (RFC 9605): headers, the key schedule, all five cipher suites, senders whose counters never
 * repeat a nonce, receivers with a replay window. The media frame layer on top: MLS-keyed KIDs, the
 * codec bytes left in clear for the media server (and authenticated), and the epoch key ring a
 * worker holds.
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
export { MEDIA_SUITE, MEDIA_BASE_KEY_LENGTH, type StreamKind } from './media/kid';
export { mediaCodec, UnsupportedCodecError, type MediaCodec } from './media/codecs';
export {
  MediaKeyRing,
  type KeyRingOptions,
  type FrameEncryptor,
  type FrameStats,
  type ReceivedMediaFrame,
} from './media/key-ring';
