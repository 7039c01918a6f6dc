export { GroupDelivery } from './delivery';
export { e2eeRoomContext, type E2eeRoomContext } from './context';
