export { createLogger, REDACTED_PATHS } from './logger';
export { errorHandler, mapError, type MappedError } from './errors';
export { registerSecurityHeaders } from './security';
export { registerWebApp, hasWebApp, isSpaRoute, sendIndex } from './web';
export { healthRoutes } from './health';
