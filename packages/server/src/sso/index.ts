export { SingleSignOn, type SsoOptions } from './service';
export { SsoStore } from './store';
export { ssoConfigRoutes, ssoSignInRoutes } from './routes';
