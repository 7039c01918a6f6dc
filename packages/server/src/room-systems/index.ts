export { RoomSystemStore } from './store';
export { RoomPairing, defaultPairingLimits, type PairingLimits } from './pairing';
export { RoomSessions } from './sessions';
export { RoomDay } from './day';
export { RoomSystemAdministration, asTarget as roomSystemTarget } from './service';
export { RoomCookies, roomTokenOf } from './http';
export { roomScreenOf, roomScreenRoutes, roomSystemAdminRoutes, type RoomScreenAuth } from './routes';
