// Event alerts (ADM-ROOMS): room systems going offline and coming back.
export { AlertStore } from './store';
export { RoomPresenceAlerts, PRESENCE_CHECK_EVERY_MS } from './room-presence';
export { alertRoutes } from './routes';
