export { callerIdentity, type CallerIdentity } from './caller';
export { DialIn, dialledOf, E2EE_REFUSAL, type AnsweredCall, type SipBridge } from './dial-in';
export { SipGateway, sipGatewayFromConfig } from './gateway';
export { GatewayPages } from './gateway-pages';
export { sipGatewaySocketPlugin } from './gateway-socket';
export { GatewayLine, sipReason, type SipCall } from './gateway-line';
export { dtmfOf, incomingCallOf, userPartOf } from './incoming-call';
export { KamailioSupervisor } from './kamailio-supervisor';
