export { UserAdministration } from './service';
export { UserStore } from './store';
export { userAdminRoutes } from './routes';
