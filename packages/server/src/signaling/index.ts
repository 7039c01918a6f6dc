export { signalingPlugin, type SignalingOptions } from './plugin';
