import {
  changePasswordRequestSchema,
  updateAccountRequestSchema,
  type AccountSessionView,
  type AccountView,
  type ChangePasswordRequest,
  type UpdateAccountRequest,
  type UserView,
} from '@conclave/protocol';
import type { AuditActor, AuditLog } from '../audit';
import type { AuthService } from '../auth';
import type { UserRecord } from '../auth/store';
import { AppError, notFound, unauthorized } from '../common/errors';
import type { UserPrincipal } from '../domain';
import type { Confirmations } from '../factors';

const ssoOnly = () =>
  new AppError(
    403,
    'sso_only',
    'Your organisation signs in through its identity provider; there is no password here',
  );

/**
 * What a signed-in person does to their own account (IAM-LOCAL): rename themself, change their
 * password (the current one or a passkey confirms, `Confirmations`; every other session ends), see
 * where they are signed in and sign out there. Each change goes to the audit log; never a password.
 */
export class AccountService {
  constructor(
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
    private readonly ssoOnlyFor: (organisationId: string) => Promise<boolean>,
    private readonly factorsOf: (userId: string) => Promise<AccountView['secondFactors']>,
    private readonly confirmations: Confirmations,
  ) {}

  async view(caller: UserPrincipal): Promise<AccountView> {
    const user = await this.me(caller);
    return {
      user: userView(user),
      hasPassword: user.passwordHash !== null,
      ssoOnly: await this.passwordsOff(user),
      secondFactors: await this.factorsOf(user.id),
    };
  }

  async rename(actor: AuditActor, input: UpdateAccountRequest): Promise<AccountView> {
    const { displayName } = updateAccountRequestSchema.parse(input);
    const user = await this.me(actor.principal);
    if (displayName !== user.displayName) {
      await this.auth.accounts.setDisplayName(user.id, displayName);
      await this.audit.record(actor, 'user.renamed', target({ ...user, displayName }), {
        from: user.displayName,
        to: displayName,
      });
    }
    return this.view(actor.principal);
  }

  /** Confirmed by the current password (counted first) or a passkey: sets it, ends every other session. */
  async changePassword(actor: AuditActor, input: ChangePasswordRequest): Promise<void> {
    const { newPassword, ...proof } = changePasswordRequestSchema.parse(input);
    const user = await this.me(actor.principal);
    if (await this.passwordsOff(user)) throw ssoOnly();
    await this.confirmations.confirm(user, proof);
    const ended = await this.auth.changePassword(user.id, newPassword, actor.principal.sessionId);
    await this.audit.record(actor, 'user.passwordChanged', target(user), { sessionsEnded: ended });
  }

  async sessions(caller: UserPrincipal): Promise<AccountSessionView[]> {
    const sessions = await this.auth.sessions.listForUser(caller.userId);
    return sessions.map((s) => ({ ...s, current: s.id === caller.sessionId }));
  }

  /** Signs out one of the person's other sessions (this one signs out with /api/auth/sign-out). */
  async endSession(actor: AuditActor, sessionId: string): Promise<void> {
    const caller = actor.principal;
    if (sessionId === caller.sessionId) {
      throw new AppError(400, 'bad_request', 'Sign out of this browser with “Sign out”');
    }
    if (!(await this.auth.signOutOwn(caller.userId, sessionId))) {
      throw notFound('You have no such session', 'not_found');
    }
    await this.audit.record(actor, 'user.signedOutElsewhere', target(await this.me(caller)), { sessions: 1 });
  }

  async endOtherSessions(actor: AuditActor): Promise<number> {
    const caller = actor.principal;
    const ended = await this.auth.endSessions(caller.userId, caller.sessionId);
    await this.audit.record(actor, 'user.signedOutElsewhere', target(await this.me(caller)), {
      sessions: ended,
    });
    return ended;
  }

  private async me(caller: UserPrincipal): Promise<UserRecord> {
    const user = await this.auth.accounts.findUserById(caller.userId);
    // Deleted meanwhile: the session is gone too, so this is what the next request would say.
    if (!user) throw unauthorized();
    return user;
  }

  /** The Administrator keeps a password under "SSO only", so that a broken provider locks nobody out. */
  private async passwordsOff(user: UserRecord): Promise<boolean> {
    return user.role !== 'administrator' && (await this.ssoOnlyFor(user.organisationId));
  }
}

const userView = (u: UserRecord): UserView => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
});
const target = (u: UserRecord) => ({
  kind: 'user' as const,
  id: u.id,
  name: `${u.displayName} <${u.email}>`,
});
