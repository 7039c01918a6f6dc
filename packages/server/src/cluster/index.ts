// Several control-plane nodes (NET-SCALE): who owns each meeting, and forwarding to the owner.
export { Cluster } from './cluster';
export type { MeetingLeases, NodeBus } from './bus';
export type { ClusterEvent, NodeMessage } from './messages';
export { redisClusterNode } from './redis-cluster';
