export { createLogger, logDestination } from './logger';
export { logFileDay, logsFolder } from './log-files';
export { errorHandler, mapError } from './errors';
export { registerSecurityHeaders } from './security';
export { registerWebApp, hasWebApp, isSpaRoute, sendIndex } from './web';
export { healthRoutes, type HealthParts } from './health';
