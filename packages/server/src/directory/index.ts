export { DirectoryService } from './service';
export { DirectoryStore } from './store';
export { directoryRoutes, userRoutes } from './routes';
