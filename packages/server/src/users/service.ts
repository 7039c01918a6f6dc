import { randomUUID } from 'node:crypto';
import {
  createUserRequestSchema,
  ID_PATTERN,
  setRoleRequestSchema,
  type AdminUserView,
  type CreateUserRequest,
  type SetRoleRequest,
} from '@conclave/protocol';
import { authorize, may, ORGANISATION, type Action } from '../access';
import type { AuditActor, AuditLog } from '../audit';
import type { OrganisationSettings } from '../settings';
import type { AccountStore } from '../auth/store';
import { hashPassword } from '../auth/passwords';
import type { Clock } from '../common/clock';
import { AppError, notFound } from '../common/errors';
import { newId } from '../common/ids';
import { isUniqueViolation } from '../db';
import { DELETED_PERSON, type DomainEvents, type UserPrincipal } from '../domain';
import type { ManagedUser, UserStore } from './store';

const userNotFound = () => notFound('There is no such user', 'user_not_found');
export const managersOnly = 'Only Superusers and Administrators can manage people';
// Emails are unique across the installation: the answer must not say in which organisation.
export const emailTaken = () =>
  new AppError(409, 'email_taken', 'An account with this email address exists already', 'email');

/**
 * The organisation's people as Superusers and Administrators manage them (ADM, IAM-ROLES,
 * IAM-REVOKE, IAM-ADMIN-PROTECT): create accounts, promote and demote, revoke and restore access,
 * delete. Every change is authorised by the permission table and written to the audit log; revoking
 * or deleting ends the person's sessions and live meeting connections at once.
 */
export class UserAdministration {
  constructor(
    private readonly store: UserStore,
    private readonly accounts: AccountStore,
    private readonly settings: Pick<OrganisationSettings, 'assertNewAccountAllowed'>,
    private readonly audit: AuditLog,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  async list(caller: UserPrincipal): Promise<AdminUserView[]> {
    authorize(caller, 'users.list', ORGANISATION, managersOnly);
    return (await this.store.list(caller.organisationId)).map((u) => this.view(caller, u));
  }

  async create(actor: AuditActor, input: CreateUserRequest): Promise<AdminUserView> {
    const caller = actor.principal;
    authorize(caller, 'users.create', ORGANISATION, managersOnly);
    const { email, displayName, password, role } = createUserRequestSchema.parse(input);
    await this.settings.assertNewAccountAllowed(caller.organisationId, email);
    const now = this.clock.now();
    const user = {
      id: newId(now.getTime()),
      organisationId: caller.organisationId,
      email,
      displayName,
      role,
      passwordHash: await hashPassword(password),
      createdAt: now.toISOString(),
    };
    try {
      await this.accounts.createUser(user);
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
    const created: ManagedUser = { ...user, hidden: false, revoked: false };
    await this.audit.record(actor, 'user.created', target(created), { role });
    return this.view(caller, created);
  }

  async setRole(actor: AuditActor, id: string, input: SetRoleRequest): Promise<AdminUserView> {
    const { role } = setRoleRequestSchema.parse(input);
    const user = await this.permitted(actor.principal, id, 'user.setRole');
    if (user.role !== role) {
      await this.store.setRole(user.id, role);
      await this.audit.record(actor, 'user.roleChanged', target(user), { from: user.role, to: role });
    }
    return this.view(actor.principal, { ...user, role });
  }

  /** Ends every session and live meeting connection of the person; their sign-in is refused. */
  async revoke(actor: AuditActor, id: string): Promise<AdminUserView> {
    const user = await this.permitted(actor.principal, id, 'user.revoke');
    if (!user.revoked) {
      const ended = await this.store.revoke(user.id, this.clock.now().toISOString());
      for (const sessionId of ended) this.events.publish('sessionEnded', sessionId);
      await this.audit.record(actor, 'user.revoked', target(user));
    }
    return this.view(actor.principal, { ...user, revoked: true });
  }

  async restore(actor: AuditActor, id: string): Promise<AdminUserView> {
    const user = await this.permitted(actor.principal, id, 'user.revoke');
    if (user.revoked) {
      await this.store.restore(user.id);
      await this.audit.record(actor, 'user.restored', target(user));
    }
    return this.view(actor.principal, { ...user, revoked: false });
  }

  /**
   * Deletes the account, its sessions and its meetings (whoever is in those meetings is told they
   * ended), and every personal field about the person elsewhere (PRIV-EXPORT, users/erasure.ts): from
   * then on they are a "Deleted person" under a new random id, in this entry of the audit log too.
   */
  async delete(actor: AuditActor, id: string): Promise<void> {
    const user = await this.permitted(actor.principal, id, 'user.delete');
    const placeholder = randomUUID();
    const removed = await this.store.delete(
      { ...user, organisationId: actor.principal.organisationId },
      placeholder,
    );
    for (const sessionId of removed.sessionIds) this.events.publish('sessionEnded', sessionId);
    for (const meetingId of removed.meetingIds) this.events.publish('meetingDeleted', meetingId);
    await this.audit.record(
      actor,
      'user.deleted',
      { kind: 'user', id: placeholder, name: DELETED_PERSON },
      {
        role: user.role,
        meetingsDeleted: removed.meetingIds.length,
      },
    );
  }

  /**
   * The person, if `caller` may do `action` to them. Someone of another organisation is 404 as if there
   * were no such user; a User asking about anyone is 403, as are the protections (IAM-ADMIN-PROTECT).
   */
  private async permitted(caller: UserPrincipal, id: string, action: Action & `user.${string}`) {
    authorize(caller, 'users.list', ORGANISATION, managersOnly);
    const user = ID_PATTERN.test(id) ? await this.store.find(caller.organisationId, id) : null;
    if (!user) throw userNotFound();
    authorize(caller, action as 'user.setRole', asTarget(user), refusal(caller, user));
    return user;
  }

  private view(caller: UserPrincipal, u: ManagedUser): AdminUserView {
    const t = asTarget(u);
    return {
      id: u.id,
      email: u.email,
      displayName: u.displayName,
      role: u.role,
      hidden: u.hidden,
      revoked: u.revoked,
      createdAt: u.createdAt,
      can: {
        setRole: may(caller, 'user.setRole', t),
        revoke: may(caller, 'user.revoke', t),
        delete: may(caller, 'user.delete', t),
        hide: may(caller, 'user.hide', t),
      },
    };
  }
}

const asTarget = (u: ManagedUser) => ({ kind: 'user' as const, id: u.id, role: u.role });
const target = (u: ManagedUser) => ({
  kind: 'user' as const,
  id: u.id,
  name: `${u.displayName} <${u.email}>`,
});

function refusal(caller: UserPrincipal, user: ManagedUser): string {
  if (user.role === 'administrator') return 'The Administrator’s account cannot be changed by anyone else';
  if (user.id === caller.userId) return 'You cannot change your own role, access or account here';
  return managersOnly;
}
