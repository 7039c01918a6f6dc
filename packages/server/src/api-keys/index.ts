export { ApiKeys, DEFAULT_API_KEY_REQUESTS_PER_MINUTE, keyActorName, type ApiKeyCaller } from './service';
export { ApiKeyStore } from './store';
export { apiKeyRoutes } from './routes';
