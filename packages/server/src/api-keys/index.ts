export { ApiKeys, keyActorName, type ApiKeyCaller } from './service';
export { ApiKeyStore } from './store';
export { apiKeyRoutes } from './routes';
