export { EgressCaptures } from './egress-captures';
export { egressSocketPlugin } from './egress-socket';
export type { CaptureOutput } from './capture';
export { RECORDING_OUTPUT, streamOutput } from './packager';
