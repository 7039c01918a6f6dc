export { CalendarService } from './service';
export { CalendarStore } from './store';
export { accountCalendarRoutes, calendarFeedRoutes, meetingInviteRoutes } from './routes';
