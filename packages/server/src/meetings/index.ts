export { MeetingService } from './service';
export { MeetingStore, scheduleOf, type Meeting } from './store';
export { meetingRoutes, publicMeetingRoutes } from './routes';
export { PasscodeGate, type PasscodeLimits } from './passcodes';
