export { GroupDelivery } from './delivery';
export type { DeliveryState } from './delivery-state';
export { e2eeRoomContext, type E2eeRoomContext } from './context';
