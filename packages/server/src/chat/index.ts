export { chatRoutes } from './routes';
export { ChatService, type ChatOptions } from './service';
export { ChatStore } from './store';
