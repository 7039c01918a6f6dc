// Prometheus metrics: the app's registry, the ports signaling and rooms report through, and /metrics.
export { AppMetrics } from './app-metrics';
export { metricsAccess } from './access';
export { registerMetrics } from './routes';
export {
  noMetrics,
  type ActiveRooms,
  type HandshakeRefusal,
  type RoomMetrics,
  type SignalingMetrics,
  type SipCallOutcome,
  type SipMetrics,
} from './ports';
