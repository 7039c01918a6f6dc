// The platform API (docs/api.md): routes for API keys, and their OpenAPI document.
export { platformRoutes } from './routes';
export { platformHandlers } from './handlers';
export { openApiDocument } from './openapi';
export { openApiRoutes } from './document-routes';
