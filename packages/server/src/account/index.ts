export { AccountService } from './service';
export { accountRoutes } from './routes';
export { PersonalData } from './personal-data';
export { PersonalDataStore } from './personal-data-store';
