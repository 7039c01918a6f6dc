export { UserAdministration } from './service';
export { UserStore } from './store';
export { Invitations } from './invitations';
export { InvitationStore } from './invitation-store';
export { invitationRoutes, userAdminRoutes } from './routes';
