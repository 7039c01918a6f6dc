import type { Role } from '@conclave/protocol';

export const ROLE_NAMES: Record<Role, string> = {
  user: 'User',
  superuser: 'Superuser',
  administrator: 'Administrator',
};

/** Superusers and Administrators administer the organisation (the server decides; this only hides the way in). */
export const administers = (role: Role | undefined): boolean =>
  role === 'superuser' || role === 'administrator';
