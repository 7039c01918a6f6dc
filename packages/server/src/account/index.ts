export { AccountService } from './service';
export { accountRoutes } from './routes';
