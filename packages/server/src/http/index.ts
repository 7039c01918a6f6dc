export { createLogger } from './logger';
export { errorHandler, mapError } from './errors';
export { registerSecurityHeaders } from './security';
export { registerWebApp, hasWebApp, isSpaRoute, sendIndex } from './web';
export { healthRoutes, type HealthParts } from './health';
