export { OrganisationSettings } from './service';
export { SettingsStore } from './store';
export { settingsRoutes } from './routes';
