import { z } from 'zod';
import { displayNameSchema, emailSchema, ID_PATTERN, newPasswordSchema, type Role } from './api';

/**
 * The organisation's administration (ADM, IAM-REVOKE, ADM-AUDIT), for Superusers and Administrators:
 * its people and the audit log. Who may do what is the server's permission table (ROLE-MATRIX).
 */

/** The roles a Superuser or Administrator gives: nobody is made an Administrator here. */
export const ASSIGNABLE_ROLES = ['user', 'superuser'] as const;
export const assignableRoleSchema = z.enum(ASSIGNABLE_ROLES);

/** GET /api/users: a person of the organisation as its administration sees them. */
export interface AdminUserView {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  hidden: boolean;
  /** Their access was revoked: they cannot sign in, and their sessions ended (IAM-REVOKE). */
  revoked: boolean;
  createdAt: string;
  /** What the caller may do to them (the same rules the server applies). */
  can: { setRole: boolean; revoke: boolean; delete: boolean; hide: boolean };
}

/** POST /api/users: a new account with a first password the person changes (IAM-LOCAL). */
export const createUserRequestSchema = z.object({
  email: emailSchema,
  displayName: displayNameSchema,
  password: newPasswordSchema,
  role: assignableRoleSchema.default('user'),
});
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;

/** PUT /api/users/:id/role: promote a User to Superuser, or demote a Superuser to User. */
export const setRoleRequestSchema = z.object({ role: assignableRoleSchema });
export type SetRoleRequest = z.infer<typeof setRoleRequestSchema>;

/** What the audit log records (ADM-AUDIT). */
export const AUDIT_ACTIONS = [
  'user.created',
  'user.roleChanged',
  'user.revoked',
  'user.restored',
  'user.passwordReset',
  'user.passwordChanged',
  'user.renamed',
  'user.signedOutElsewhere',
  'user.secondFactorAdded',
  'user.secondFactorRemoved',
  'user.recoveryCodesRenewed',
  /** A person renamed one of their passkeys (details: from, to). */
  'user.passkeyRenamed',
  'user.deleted',
  /** An invitation was made (or made again, replacing the earlier link); never its link. */
  'user.invited',
  'user.invitationRevoked',
  'user.hidden',
  'user.shown',
  /** A person made a calendar feed URL (ADM-CALENDAR; a new one retires the old); never its token. */
  'user.calendarFeedCreated',
  'user.calendarFeedDeleted',
  'meeting.deleted',
  /** A moderator rang a person into a running meeting (MEET-ADD; details: callee). */
  'meeting.personRung',
  'settings.changed',
  'sso.changed',
  /** Who may view a recording changed (REC-ACCESS; details: visibility); never its link. */
  'recording.shared',
  'recording.deleted',
  /** A recording of a meeting started (REC-START), by whom. */
  'recording.started',
  /** It ended (details: why: stopped, failed, meetingEnded); by whom when someone stopped it. */
  'recording.stopped',
  /** A meeting went live (STREAM-LIVE), by whom. */
  'stream.started',
  /** Its live stream ended (details: why), as recordings do. */
  'stream.stopped',
  /** The Administrator ended the organisation's contract: its data goes 180 days later (PRIV-RETENTION). */
  'organisation.contractEnded',
  /** The Administrator took an ended contract back before its data went: nothing will be deleted. */
  'organisation.contractResumed',
  /** A room system was registered by its pairing code (ADM-ROOMS; details: associated user). */
  'roomSystem.registered',
  /** Its name changed (details: from, to). */
  'roomSystem.renamed',
  /** It was associated with a person, or with nobody (details: user). */
  'roomSystem.associated',
  'roomSystem.hidden',
  'roomSystem.shown',
  /** Its access was revoked: its session and live connections ended (IAM-REVOKE). */
  'roomSystem.revoked',
  /** It was paired again after being revoked. */
  'roomSystem.restored',
  'roomSystem.deleted',
  /** Its screen now joins invited meetings by itself, or no longer does (details: autoJoin). */
  'roomSystem.autoJoinChanged',
  /** An API key was made (details: scopes, prefix); never the key. */
  'apiKey.created',
  'apiKey.revoked',
  /**
   * A request made with an API key (details: operation, the key's prefix, and `refused` when its
   * scopes did not allow it); written before the request is done.
   */
  'apiKey.used',
  /** A webhook endpoint was registered (details: url, events); never its secret. */
  'webhook.created',
  /** Its address, description, events or state changed (details: what changed). */
  'webhook.updated',
  /** Its signing secret was replaced: the old one no longer signs. */
  'webhook.secretRotated',
  'webhook.deleted',
  /** The Administrator allowed or disallowed endpoints on private addresses (details: allowPrivateTargets). */
  'webhook.privateTargetsChanged',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One entry of the audit log: who did what to what, when and from where. */
export interface AuditEventView {
  id: string;
  at: string;
  actor: { id: string | null; name: string };
  action: AuditAction;
  target: { kind: string; id: string | null; name: string };
  /** What changed, e.g. `{ from: 'user', to: 'superuser' }`; never a secret. */
  details: Record<string, string | number | boolean | null>;
  clientIp: string;
}

/** GET /api/audit: newest first, filtered, a page at a time (`before` the last id seen). */
export const auditQuerySchema = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  actorId: z.string().regex(ID_PATTERN).optional(),
  targetId: z.string().regex(ID_PATTERN).optional(),
  /** ISO-8601 instants: only entries at or after `since`, before `until`. */
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
  before: z.string().regex(ID_PATTERN).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;

export interface AuditPageView {
  events: AuditEventView[];
  /** Pass as `before` for the next page; null on the last. */
  next: string | null;
}

/**
 * How long an organisation's data outlives its contract (PRIV-RETENTION): this many days after the
 * contract ended, its people, meetings, call records, recordings and audit log are deleted for good.
 */
export const CONTRACT_DATA_KEPT_DAYS = 180;

/** GET and PUT /api/organisation/contract (PRIV-RETENTION), for the Administrator only. */
export interface ContractView {
  /** When the contract ended; null while it runs. */
  endedAt: string | null;
  /** When the organisation's data will be deleted: CONTRACT_DATA_KEPT_DAYS after endedAt. */
  deletionDueAt: string | null;
}

/**
 * PUT /api/organisation/contract: `ended: true` ends the contract now (ending it again keeps the first
 * date), `ended: false` takes it back while its data is still there.
 */
export const setContractRequestSchema = z.object({ ended: z.boolean() }).strict();
export type SetContractRequest = z.infer<typeof setContractRequestSchema>;
