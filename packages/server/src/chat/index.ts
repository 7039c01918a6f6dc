export { chatRoutes } from './routes';
export { ChatService } from './service';
export { ChatStore } from './store';
