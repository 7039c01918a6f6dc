export { Branding } from './service';
export { OrganisationImageStore } from './store';
export { publicBrandingRoutes, brandingImageRoutes } from './routes';
