export {
  createMediaPlane,
  MediaUnavailableError,
  type MediaPlane,
  type MediaNode,
  type MediaDiagnostics,
  type MediaPlaneOptions,
} from './media-plane';
export type { MediaPlaneLifecycle, MediaStatus } from './status';
export {
  JanusClient,
  JanusSession,
  JanusHandle,
  JanusError,
  isJanusError,
  type JanusErrorKind,
  JanusApiErrorCode,
  VideoRoomErrorCode,
  JANUS_SUBPROTOCOL,
  VIDEOROOM_PLUGIN,
  type Jsep,
  type IceCandidateInit,
  type PluginReply,
  type JanusClientOptions,
  type MediaEvent,
} from './janus-client';
export {
  VideoRoom,
  Publisher,
  Subscriber,
  InvalidStateError,
  type RoomOptions,
  type PublishedStream,
  type PublishResult,
  type StreamSource,
  type SubscribedStream,
  type SubscriptionOffer,
  type SubscriberOptions,
} from './videoroom';
export {
  JanusSupervisor,
  freePort,
  type JanusSupervisorOptions,
  type JanusEndpoint,
  type JanusExit,
} from './janus-supervisor';
export {
  writeJanusConfig,
  removeJanusConfig,
  renderJanusConfig,
  findJanusLibDir,
  type GeneratedJanusConfig,
  type JanusConfigOptions,
} from './janus-config';
export { silentLogger, type MediaLogger } from './logger';
export { sdpMediaSections, type SdpMediaSection } from './sdp';
