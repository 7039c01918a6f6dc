import type { AuditAction, AuditEventView, Role } from '@conclave/protocol';
import { ROLE_NAMES } from './roles';

/** Each audit action in words, as the Audit log page lists and filters them. */
export const ACTION_NAMES: Record<AuditAction, string> = {
  'user.created': 'Added a person',
  'user.roleChanged': 'Changed a role',
  'user.revoked': 'Revoked access',
  'user.restored': 'Restored access',
  'user.passwordReset': 'Reset their password',
  'user.passwordChanged': 'Changed their password',
  'user.renamed': 'Changed their name',
  'user.signedOutElsewhere': 'Signed out elsewhere',
  'user.secondFactorAdded': 'Added a second factor',
  'user.secondFactorRemoved': 'Removed a second factor',
  'user.recoveryCodesRenewed': 'Renewed recovery codes',
  'user.passkeyRenamed': 'Renamed a passkey',
  'user.deleted': 'Deleted an account',
  'user.invited': 'Invited a person',
  'user.invitationRevoked': 'Revoked an invitation',
  'user.hidden': 'Hid from the directory',
  'user.shown': 'Showed in the directory',
  'user.calendarFeedCreated': 'Made a calendar feed',
  'user.calendarFeedDeleted': 'Deleted a calendar feed',
  'meeting.deleted': 'Deleted a meeting',
  'meeting.personRung': 'Rang someone into a meeting',
  'settings.changed': 'Changed a setting',
  'sso.changed': 'Changed single sign-on',
  'recording.shared': 'Changed who can view a recording',
  'recording.deleted': 'Deleted a recording',
  'recording.started': 'Started recording a meeting',
  'recording.stopped': 'A recording ended',
  'stream.started': 'Took a meeting live',
  'stream.stopped': 'A live stream ended',
  'organisation.contractEnded': 'Ended the contract',
  'organisation.contractResumed': 'Resumed the contract',
  'roomSystem.registered': 'Registered a room system',
  'roomSystem.renamed': 'Renamed a room system',
  'roomSystem.associated': 'Associated a room system',
  'roomSystem.hidden': 'Hid a room system',
  'roomSystem.shown': 'Showed a room system',
  'roomSystem.revoked': 'Revoked a room system',
  'roomSystem.restored': 'Restored a room system',
  'roomSystem.deleted': 'Deleted a room system',
  'roomSystem.autoJoinChanged': 'Changed a room system’s automatic join',
  'apiKey.created': 'Made an API key',
  'apiKey.revoked': 'Revoked an API key',
  'apiKey.used': 'Used an API key',
  'webhook.created': 'Added a webhook endpoint',
  'webhook.updated': 'Changed a webhook endpoint',
  'webhook.secretRotated': 'Replaced a webhook’s signing secret',
  'webhook.deleted': 'Deleted a webhook endpoint',
  'webhook.privateTargetsChanged': 'Changed whether webhooks may reach private addresses',
};

const SECTION_NAMES: Record<string, string> = {
  chat: 'Chat',
  recording: 'Recording',
  streaming: 'Live streaming',
  roomAlerts: 'Room-system alerts',
  calendar: 'Calendar',
  invites: 'Invitations',
  branding: 'Branding',
  'branding.logo': 'Logo',
  'branding.wallpaper': 'Room-system wallpaper',
  layouts: 'Layouts',
  domains: 'Allowed email domains',
};

const DETAIL_NAMES: Record<string, string> = {
  role: 'Role',
  from: 'From',
  to: 'To',
  meetingsDeleted: 'Meetings deleted',
  section: 'Section',
  via: 'Via',
  replacedEarlier: 'Replaced the earlier invitation',
  method: 'Kind',
  name: 'Name',
  deletionDueAt: 'Data deleted on',
  // Ids, not names, so that a person's deletion leaves no name behind (PRIV-EXPORT).
  associatedUserId: 'Associated person (id)',
  userId: 'Person (id)',
  scopes: 'Scopes',
  prefix: 'Key',
  operation: 'Operation',
  refused: 'Refused',
  url: 'Address',
  events: 'Events',
  enabled: 'Enabled',
  description: 'Description',
  allowPrivateTargets: 'Private addresses allowed',
};

/** How second factors read in the log ("Kind: passkey, Name: Laptop"). */
const METHOD_NAMES: Record<string, string> = { totp: 'authenticator app', passkey: 'passkey' };

const isRole = (value: unknown): value is Role => typeof value === 'string' && value in ROLE_NAMES;

/** What changed, in words: "From User to Superuser", "Allowed email domains: {…}", "Role: User, Via: invitation". */
export function detailsText(event: AuditEventView): string {
  const { details } = event;
  if (event.action === 'user.roleChanged' && isRole(details.from) && isRole(details.to)) {
    return `From ${ROLE_NAMES[details.from]} to ${ROLE_NAMES[details.to]}`;
  }
  if (event.action === 'settings.changed' && typeof details.section === 'string') {
    const name = SECTION_NAMES[details.section] ?? details.section;
    return details.to === undefined ? name : `${name}: ${String(details.to)}`;
  }
  return Object.entries(details)
    .map(([key, value]) => {
      const name = DETAIL_NAMES[key] ?? key;
      // A flag reads as what it says ("Replaced the earlier invitation"), not "…: true".
      if (value === true) return name;
      if (key === 'method' && typeof value === 'string') return `${name}: ${METHOD_NAMES[value] ?? value}`;
      // An instant reads as its day; the hour would only suggest a precision retention does not have.
      if (key === 'deletionDueAt' && typeof value === 'string') return `${name}: ${value.slice(0, 10)}`;
      return `${name}: ${isRole(value) ? ROLE_NAMES[value] : String(value)}`;
    })
    .join(', ');
}

/** The target's name; a settings change names its section. */
export function targetText(event: AuditEventView): string {
  if (event.target.kind === 'settings') return SECTION_NAMES[event.target.name] ?? event.target.name;
  return event.target.name;
}
