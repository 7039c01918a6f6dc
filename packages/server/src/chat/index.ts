export { chatRoutes } from './routes';
export { ChatService, type ChatOptions } from './service';
export { ChatStore } from './store';
export { SealedMeetingChat } from './meeting-log';
export { MeetingChatStore } from './meeting-store';
export { meetingLineContext, messageContext } from './contexts';
