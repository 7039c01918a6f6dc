export { EgressCaptures } from './egress-captures';
export { egressSocketPlugin } from './egress-socket';
export type { CaptureOutput } from './capture';
