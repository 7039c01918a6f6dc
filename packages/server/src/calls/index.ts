export { CallService, type CallOptions } from './service';
export { CallStore } from './store';
export { callRoutes, roomCallRoutes } from './routes';
