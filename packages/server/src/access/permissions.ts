import type { Role } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { UserPrincipal } from '../domain';

/** What an action is done to: a thing of the principal's own organisation (callers check that first). */
type Target =
  /** `invited`: the principal is one of its invitees (ADM-INVITE). */
  | { kind: 'meeting'; ownerId: string; invited?: boolean }
  | { kind: 'user'; id: string; role: Role }
  | { kind: 'roomSystem'; associatedWith: { id: string; role: Role } | null }
  | { kind: 'recording'; ownerId: string }
  | { kind: 'call'; callerId: string; calleeId: string | null }
  | { kind: 'organisation' };

type TargetOf<K extends Target['kind']> = Extract<Target, { kind: K }>;

/** Who may do something, as SPEC.md section 4 says it. */
interface Rule<K extends Target['kind']> {
  on: K;
  allow(principal: UserPrincipal, target: TargetOf<K>): boolean;
}

type AnyRule = { [K in Target['kind']]: Rule<K> }[Target['kind']];

const rule = <K extends Target['kind']>(on: K, allow: Rule<K>['allow']): Rule<K> => ({ on, allow });

const MANAGERS: ReadonlySet<Role> = new Set(['superuser', 'administrator']);

/**
 * Superusers and Administrators: "Superuser, in addition"; the Administrator has it all too. Exported
 * only for the directory's SQL, which writes the `user.hide` and `meeting.hide` rows as a filter.
 */
export const isManager = (p: UserPrincipal) => MANAGERS.has(p.role);
const anyUser = () => true;
const managers = (p: UserPrincipal) => isManager(p);
const ownerOrManager = (p: UserPrincipal, t: { ownerId: string }) => t.ownerId === p.userId || isManager(p);
const ownerOnly = (p: UserPrincipal, t: { ownerId: string }) => t.ownerId === p.userId;
/**
 * Managers act on Users and Superusers; the Administrator "cannot be changed or deleted by Users or
 * Superusers", nor by anyone else. Nobody changes their own role, access or account here either: a
 * lone manager would otherwise lock the organisation out.
 */
const managesOther = (p: UserPrincipal, t: TargetOf<'user'>) =>
  isManager(p) && t.role !== 'administrator' && t.id !== p.userId;

/**
 * Every permission of SPEC.md section 4 (ROLE), one row each: what it applies to and who has it.
 * A request or signaling message names its action; anything not in this table is refused. Rows for
 * features not built yet (recording, streaming, calendar, dial-in, branding, alerts, reports) are here
 * so that those features only plug in.
 */
const PERMISSIONS = {
  // User
  'call.place': rule('organisation', anyUser),
  /** Accept or decline a ringing call: only the person it rings. */
  'call.answer': rule('call', (p, t) => t.calleeId === p.userId),
  /** Hang up before anyone answered: only who placed it. */
  'call.cancel': rule('call', (p, t) => t.callerId === p.userId),
  'chat.use': rule('organisation', anyUser),
  /** Download what is stored about them (PRIV-EXPORT): everyone, about themself only. */
  'account.export': rule('user', (p, t) => t.id === p.userId),
  'meeting.create': rule('organisation', anyUser),
  /**
   * See a meeting, its time and its invitation (ADM-INVITE): those who manage it, and the people it
   * invites, who get no other right to it.
   */
  'meeting.view': rule('meeting', (p, t) => ownerOrManager(p, t) || t.invited === true),
  /** Keep a calendar feed of one's own meetings (ADM-CALENDAR), once the organisation has it on. */
  'calendar.feed': rule('organisation', anyUser),
  /** See, change, set the passcode of, delete: the owner; "manage and delete any meeting": managers. */
  'meeting.manage': rule('meeting', ownerOrManager),
  'meeting.hide': rule('meeting', ownerOrManager),
  /** Admit, remove, mute one or all: the owner's, and every manager's as "manage any meeting". */
  'meeting.moderate': rule('meeting', ownerOrManager),
  /** Start and stop a live stream: the owner, once the meeting is enabled for it (below). */
  'meeting.stream': rule('meeting', ownerOnly),
  /** Start and stop a recording, and let the meeting's moderators do so: the owner. */
  'meeting.record': rule('meeting', ownerOnly),
  /** Choose who may view a recording (REC-ACCESS): its owner. */
  'recording.share': rule('recording', ownerOnly),
  /** Delete a recording: its owner; managers too, as they manage and delete any meeting. */
  'recording.delete': rule('recording', ownerOrManager),
  // Superuser, in addition
  'reports.view': rule('organisation', managers),
  /**
   * Make, list and revoke the organisation's API keys (docs/api.md): managers, as a key acts with its
   * maker's rights over the whole organisation.
   */
  'apiKeys.manage': rule('organisation', managers),
  /** List every meeting of the organisation (the platform API): managers, who manage any meeting. */
  'meetings.list': rule('organisation', managers),
  'audit.view': rule('organisation', managers),
  'users.list': rule('organisation', managers),
  'users.create': rule('organisation', managers),
  /** Promote a User to Superuser, demote a Superuser to User. */
  'user.setRole': rule('user', managesOther),
  'user.revoke': rule('user', managesOther),
  'user.delete': rule('user', managesOther),
  /** Hide from the directory: managers for Users and Superusers; the Administrator only themself. */
  'user.hide': rule('user', (p, t) => (t.role === 'administrator' ? t.id === p.userId : isManager(p))),
  /**
   * Room systems (ADM-ROOMS, IAM-REVOKE): register one by its pairing code, rename it, associate it
   * with a person, revoke and restore its access, delete it: managers, as they grant and revoke access.
   */
  'roomSystems.list': rule('organisation', managers),
  'roomSystems.register': rule('organisation', managers),
  /** Read the event alerts of room systems going offline and coming back (ADM-ROOMS). */
  'roomSystems.alerts': rule('organisation', managers),
  'roomSystem.rename': rule('roomSystem', managers),
  'roomSystem.associate': rule('roomSystem', managers),
  'roomSystem.revoke': rule('roomSystem', managers),
  'roomSystem.delete': rule('roomSystem', managers),
  /** Make its screen join the meetings it is invited to by itself (ADM-ROOMS): managers. */
  'roomSystem.autoJoin': rule('roomSystem', managers),
  /** Managers, unless it is associated with the Administrator; the Administrator, their own. */
  'roomSystem.hide': rule('roomSystem', (p, t) =>
    t.associatedWith?.role === 'administrator' ? t.associatedWith.id === p.userId : isManager(p),
  ),
  /** "Enable or disable live streaming per meeting" (STREAM-TOGGLE). */
  'meeting.enableStreaming': rule('meeting', managers),
  'settings.view': rule('organisation', managers),
  'settings.chat': rule('organisation', managers),
  'settings.recording': rule('organisation', managers),
  'settings.streaming': rule('organisation', managers),
  'settings.roomAlerts': rule('organisation', managers),
  'settings.sso': rule('organisation', managers),
  'settings.calendar': rule('organisation', managers),
  'settings.invites': rule('organisation', managers),
  'settings.branding': rule('organisation', managers),
  'settings.layouts': rule('organisation', managers),
  'settings.domains': rule('organisation', managers),
  /** Requiring a second factor of everyone (managers included) is the Administrator's decision. */
  'settings.security': rule('organisation', (p) => p.role === 'administrator'),
  /**
   * End the organisation's contract, or take it back before its data is deleted (PRIV-RETENTION): the
   * Administrator's decision alone, as it leads to deleting everything.
   */
  'organisation.contract': rule('organisation', (p) => p.role === 'administrator'),
  /**
   * Register, change, disable and delete webhook endpoints and replace their secrets (issue 18): managers,
   * as they configure the organisation's integrations (calendar, SSO).
   */
  'webhooks.manage': rule('organisation', managers),
  /**
   * Let webhooks reach private, loopback and link-local addresses, i.e. the network the server runs
   * in: the Administrator's decision alone, like requiring a second factor.
   */
  'webhooks.privateTargets': rule('organisation', (p) => p.role === 'administrator'),
} as const satisfies Record<string, AnyRule>;

export type Action = keyof typeof PERMISSIONS;
type TargetFor<A extends Action> = TargetOf<(typeof PERMISSIONS)[A]['on']>;

/** Whether `principal` may do `action` to `target`; unknown actions and mismatched targets: no. */
export function may<A extends Action>(principal: UserPrincipal, action: A, target: TargetFor<A>): boolean {
  const row = (PERMISSIONS as Record<string, Rule<Target['kind']> | undefined>)[action];
  if (!row || row.on !== target.kind) return false;
  return row.allow(principal, target);
}

/** Refuses with 403 `forbidden` unless `principal` may do `action` to `target` (deny by default). */
export function authorize<A extends Action>(
  principal: UserPrincipal,
  action: A,
  target: TargetFor<A>,
  message = 'You are not allowed to do that',
): void {
  if (!may(principal, action, target)) throw new AppError(403, 'forbidden', message);
}

/** The organisation itself, as the target of organisation-wide actions. */
export const ORGANISATION: TargetOf<'organisation'> = { kind: 'organisation' };
