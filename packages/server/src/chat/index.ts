export { ChatService } from './service';
export { ChatStore } from './store';
