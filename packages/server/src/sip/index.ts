export { GatewayLine, type SipCall } from './gateway-line';
export { dtmfOf, incomingCallOf, userPartOf } from './incoming-call';
export { KamailioSupervisor, KAMAILIO_BINARY } from './kamailio-supervisor';
