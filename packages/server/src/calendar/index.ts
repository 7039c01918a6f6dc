export { installationDialInOf, type InstallationDialIn } from './dial-in';
export { CalendarService } from './service';
export { CalendarStore } from './store';
export { accountCalendarRoutes, calendarFeedRoutes, meetingInviteRoutes } from './routes';
