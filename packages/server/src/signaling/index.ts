export { signalingPlugin, createSignalingPlugin, type SignalingOptions } from './plugin';
export { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './rate-limit';
