import {
  confirmPasswordRequestSchema,
  confirmTotpRequestSchema,
  type AccountView,
  type ConfirmPasswordRequest,
  type ConfirmTotpRequest,
  type RecoveryCodesView,
  type TotpSetupView,
} from '@conclave/protocol';
import type { AuditActor, AuditLog } from '../audit';
import type { AuthService } from '../auth';
import type { UserRecord } from '../auth/store';
import type { Clock } from '../common/clock';
import { AppError, unauthorized } from '../common/errors';
import { newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpStep, totpUri } from './codes';
import type { FactorStore } from './store';

/** The issuer authenticator apps show beside the account. */
const ISSUER = 'Conclave';

/**
 * A person's own second factors (IAM-LOCAL): an authenticator app (TOTP), set up by confirming a code
 * from it, and ten one-time recovery codes shown once. Removing the app or renewing the codes needs
 * the current password. Each change is audited.
 */
export class SecondFactors {
  constructor(
    private readonly store: FactorStore,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async status(userId: string): Promise<AccountView['secondFactors']> {
    const totp = await this.store.totp(userId);
    return { totp: totp?.confirmed ?? false, recoveryCodesLeft: await this.store.recoveryCodesLeft(userId) };
  }

  /** A new secret for the app; it counts once a code from it is confirmed. */
  async startTotp(actor: AuditActor): Promise<TotpSetupView> {
    const user = await this.me(actor);
    const secret = newTotpSecret();
    if (!(await this.store.draftTotp(user.id, secret, this.clock.now().toISOString()))) {
      throw new AppError(409, 'conflict', 'An authenticator app is set up already; remove it first');
    }
    return { secret, otpauthUri: totpUri(secret, user.email, ISSUER) };
  }

  /** The app holds the secret: from now on sign-in asks for its codes. Fresh recovery codes come with it. */
  async confirmTotp(actor: AuditActor, input: ConfirmTotpRequest): Promise<RecoveryCodesView> {
    const { code } = confirmTotpRequestSchema.parse(input);
    const user = await this.me(actor);
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
    const codes = await this.renew(user);
    await this.auth.sessions.clearSecondFactorSetup(user.id);
    await this.audit.record(actor, 'user.secondFactorAdded', target(user), { method: 'totp' });
    return { codes };
  }

  async removeTotp(actor: AuditActor, input: ConfirmPasswordRequest): Promise<void> {
    const { currentPassword } = confirmPasswordRequestSchema.parse(input);
    const user = await this.me(actor);
    await this.auth.confirmPassword(user, currentPassword);
    await this.store.removeTotp(user.id);
    // Without a factor, recovery codes would recover nothing.
    await this.store.removeRecoveryCodes(user.id);
    await this.audit.record(actor, 'user.secondFactorRemoved', target(user), { method: 'totp' });
  }

  async renewRecoveryCodes(actor: AuditActor, input: ConfirmPasswordRequest): Promise<RecoveryCodesView> {
    const { currentPassword } = confirmPasswordRequestSchema.parse(input);
    const user = await this.me(actor);
    await this.auth.confirmPassword(user, currentPassword);
    if (!(await this.store.totp(user.id))?.confirmed) {
      throw new AppError(409, 'conflict', 'Set up a second factor first');
    }
    const codes = await this.renew(user);
    await this.audit.record(actor, 'user.recoveryCodesRenewed', target(user));
    return { codes };
  }

  private async renew(user: UserRecord): Promise<string[]> {
    const codes = newRecoveryCodes();
    await this.store.replaceRecoveryCodes(user.id, codes.map(recoveryCodeHash), this.clock.now().getTime());
    return codes;
  }

  private async me(actor: AuditActor): Promise<UserRecord> {
    const user = await this.auth.accounts.findUserById(actor.principal.userId);
    if (!user) throw unauthorized();
    return user;
  }
}

const target = (u: UserRecord) => ({
  kind: 'user' as const,
  id: u.id,
  name: `${u.displayName} <${u.email}>`,
});
