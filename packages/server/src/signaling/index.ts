export { signalingPlugin, SIGNALING_MAX_PAYLOAD, type SignalingOptions } from './plugin';
