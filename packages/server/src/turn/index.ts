export { TurnRelays } from './relays';
