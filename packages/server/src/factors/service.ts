import {
  confirmationSchema,
  confirmTotpRequestSchema,
  type AccountView,
  type Confirmation,
  type ConfirmTotpRequest,
  type RecoveryCodesView,
  type TotpSetupView,
} from '@conclave/protocol';
import type { AuditActor, AuditLog } from '../audit';
import type { AuthService } from '../auth';
import type { UserRecord } from '../auth/store';
import type { Clock } from '../common/clock';
import { AppError, unauthorized } from '../common/errors';
import type { Confirmations } from './confirmations';
import { newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpStep, totpUri } from './codes';
import { passkeyView, type PasskeyStore } from './passkey-store';
import type { FactorStore } from './store';

/** The issuer authenticator apps show beside the account. */
const ISSUER = 'Conclave';

/**
 * A person's own second factors (IAM-LOCAL): an authenticator app (TOTP), set up by confirming a code
 * from it, passkeys (`Passkeys`, which reports here what it adds and removes), and ten one-time
 * recovery codes shown once, kept while the account has any factor. Removing a factor or renewing the
 * codes needs the current password or a passkey (`Confirmations`). Each change is audited.
 */
export class SecondFactors {
  constructor(
    private readonly store: FactorStore,
    private readonly passkeys: PasskeyStore,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly confirmations: Confirmations,
  ) {}

  async status(userId: string): Promise<AccountView['secondFactors']> {
    const totp = await this.store.totp(userId);
    return {
      totp: totp?.confirmed ?? false,
      passkeys: (await this.passkeys.list(userId)).map(passkeyView),
      recoveryCodesLeft: await this.store.recoveryCodesLeft(userId),
    };
  }

  /** A new secret for the app; it counts once a code from it is confirmed. */
  async startTotp(actor: AuditActor): Promise<TotpSetupView> {
    const user = await this.account(actor);
    const secret = newTotpSecret();
    if (!(await this.store.draftTotp(user.id, secret, this.clock.now().toISOString()))) {
      throw new AppError(409, 'conflict', 'An authenticator app is set up already; remove it first');
    }
    return { secret, otpauthUri: totpUri(secret, user.email, ISSUER) };
  }

  /**
   * The app holds the secret: from now on sign-in asks for its codes. Recovery codes come with it when
   * the account has none unused (see `added`).
   */
  async confirmTotp(actor: AuditActor, input: ConfirmTotpRequest): Promise<RecoveryCodesView> {
    const { code } = confirmTotpRequestSchema.parse(input);
    const user = await this.account(actor);
    const draft = await this.store.totp(user.id);
    if (!draft || draft.confirmed)
      throw new AppError(409, 'conflict', 'Start setting up an authenticator app first');
    const now = this.clock.now();
    const step = await totpStep(draft.secret, code, now, null);
    if (step === null) {
      throw new AppError(
        400,
        'second_factor_failed',
        'That code did not match; check the app’s clock and try the next one',
        'code',
      );
    }
    if (!(await this.store.confirmTotp(user.id, step, now.toISOString()))) {
      throw new AppError(409, 'conflict', 'Start setting up an authenticator app first');
    }
    return { codes: await this.added(actor, user, { method: 'totp' }) };
  }

  async removeTotp(actor: AuditActor, input: Confirmation): Promise<void> {
    const proof = confirmationSchema.parse(input);
    const user = await this.account(actor);
    await this.confirmations.confirm(user, proof);
    await this.store.removeTotp(user.id);
    await this.removed(actor, user, { method: 'totp' });
  }

  async renewRecoveryCodes(actor: AuditActor, input: Confirmation): Promise<RecoveryCodesView> {
    const proof = confirmationSchema.parse(input);
    const user = await this.account(actor);
    await this.confirmations.confirm(user, proof);
    if (!(await this.hasFactor(user.id))) {
      throw new AppError(409, 'conflict', 'Set up a second factor first');
    }
    const codes = await this.renew(user);
    await this.audit.record(actor, 'user.recoveryCodesRenewed', auditTarget(user));
    return { codes };
  }

  /**
   * A factor was added: the organisation's requirement is met, and recovery codes come with it when the
   * account has no unused ones (its first factor, or all were used); otherwise it keeps the codes the
   * person saved. The new codes, or none.
   */
  async added(actor: AuditActor, user: UserRecord, details: Record<string, string>): Promise<string[]> {
    const codes = (await this.store.recoveryCodesLeft(user.id)) === 0 ? await this.renew(user) : [];
    await this.auth.sessions.clearSecondFactorSetup(user.id);
    await this.audit.record(actor, 'user.secondFactorAdded', auditTarget(user), details);
    return codes;
  }

  /** A factor was removed: without any left, recovery codes would recover nothing, so they go too. */
  async removed(actor: AuditActor, user: UserRecord, details: Record<string, string>): Promise<void> {
    if (!(await this.hasFactor(user.id))) await this.store.removeRecoveryCodes(user.id);
    await this.audit.record(actor, 'user.secondFactorRemoved', auditTarget(user), details);
  }

  async account(actor: AuditActor): Promise<UserRecord> {
    const user = await this.auth.accounts.findUserById(actor.principal.userId);
    if (!user) throw unauthorized();
    return user;
  }

  private async hasFactor(userId: string): Promise<boolean> {
    return (await this.store.totp(userId))?.confirmed === true || (await this.passkeys.count(userId)) > 0;
  }

  private async renew(user: UserRecord): Promise<string[]> {
    const codes = newRecoveryCodes();
    await this.store.replaceRecoveryCodes(user.id, codes.map(recoveryCodeHash), this.clock.now().getTime());
    return codes;
  }
}

export const auditTarget = (u: UserRecord) => ({
  kind: 'user' as const,
  id: u.id,
  name: `${u.displayName} <${u.email}>`,
});
