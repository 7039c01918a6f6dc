import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit';
import type { Clock } from '../common/clock';
import { AppError, RateLimitError } from '../common/errors';
import { hashToken, newSecretToken } from '../common/ids';
import { describeWait, type Limiters, type WindowLimiter } from '../common/rate-limit';
import type { Database } from '../db';
import type { Mailer } from '../mail';
import type { AuthService, SignInOutcome } from './service';
import type { UserRecord } from './store';

/** A reset link works this long, once. */
const RESET_TTL_MS = 30 * 60_000;
/** Mails to one address: enough to retry a lost one, too few to flood an inbox. */
const PER_ADDRESS = { limit: 3, windowMs: 60 * 60_000 };
/** Requests from one client address, whichever accounts they name. */
const PER_CLIENT = { limit: 20, windowMs: 60 * 60_000 };

const invalidLink = () =>
  new AppError(404, 'reset_invalid', 'This reset link is not valid any more; ask for a new one');

export interface PasswordResetDeps {
  db: Kysely<Database>;
  auth: AuthService;
  mailer: Mailer;
  audit: AuditLog;
  clock: Clock;
  limiters: Limiters;
  publicUrl: string;
  /** Whether the organisation signs in through its identity provider only (then no local passwords). */
  ssoOnly: (organisationId: string) => Promise<boolean>;
  /** Where a failure after the answer was given is reported. */
  onBackgroundError: (err: unknown, what: string) => void;
}

/**
 * "Forgot password?" (IAM-LOCAL): a link mailed to the account's address that sets a new password
 * once, within 30 minutes, and ends every other session of the account. Whoever asks is told the same
 * thing, at the same speed, whether the address has an account or not: the mail goes out after the
 * answer. Requests are counted per address and per client before anything is looked up.
 */
export class PasswordResets {
  private readonly perAddress: WindowLimiter;
  private readonly perClient: WindowLimiter;

  constructor(private readonly d: PasswordResetDeps) {
    this.perAddress = d.limiters.window('reset:address', PER_ADDRESS);
    this.perClient = d.limiters.window('reset:client', PER_CLIENT);
  }

  get available(): boolean {
    return this.d.mailer.configured;
  }

  /**
   * Counts the request; then, after the caller has answered, mails a link if the address has an
   * account that signs in with a password. The answer cannot tell which happened, even by its timing.
   */
  async request(email: string, clientIp: string): Promise<void> {
    if (!this.available) throw new AppError(404, 'not_found', 'Password reset by email is not set up here');
    await admit(this.perClient, clientIp);
    // The address's counter is keyed by its hash: no address is written to the limit store.
    await admit(this.perAddress, hashToken(email));
    setImmediate(() => {
      this.mailLink(email, clientIp).catch((err: unknown) => this.d.onBackgroundError(err, 'password reset'));
    });
  }

  private async mailLink(email: string, clientIp: string): Promise<void> {
    const user = await this.d.auth.accounts.findUserByEmail(email);
    if (!user || !(await this.resettable(user))) return;
    const token = newSecretToken();
    const now = this.d.clock.now();
    const values = {
      token_hash: hashToken(token),
      expires_at: new Date(now.getTime() + RESET_TTL_MS).toISOString(),
      created_at: now.toISOString(),
    };
    await this.d.db
      .insertInto('password_resets')
      .values({ user_id: user.id, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute();
    await this.d.mailer.send({
      kind: 'password-reset',
      to: user.email,
      subject: 'Reset your Conclave password',
      text: resetMail(
        user,
        new URL(`/reset-password#token=${token}`, this.d.publicUrl).toString(),
        clientIp,
        now,
      ),
    });
  }

  /** The address a link resets, to show on its page; 404 when the link is not valid. */
  async check(token: string): Promise<{ email: string }> {
    const user = await this.holder(token);
    if (!user) throw invalidLink();
    return { email: user.email };
  }

  /**
   * Sets the new password, once; every session of the account ends and this browser is signed in (or
   * asked for the account's second factor first).
   */
  async complete(token: string, password: string, clientIp: string): Promise<SignInOutcome> {
    const userId = await this.take(token);
    const user = userId ? await this.d.auth.accounts.findUserById(userId) : null;
    if (!user || !(await this.resettable(user))) throw invalidLink();
    const outcome = await this.d.auth.resetPassword(user, password);
    await this.d.audit.record(
      { system: 'Password reset', organisationId: user.organisationId, clientIp },
      'user.passwordReset',
      { kind: 'user', id: user.id, name: `${user.displayName} <${user.email}>` },
    );
    return outcome;
  }

  /** Revoked accounts and those whose organisation is "SSO only" (but the Administrator) have no password to reset. */
  private async resettable(user: UserRecord): Promise<boolean> {
    if (user.revoked) return false;
    return user.role === 'administrator' || !(await this.d.ssoOnly(user.organisationId));
  }

  private async holder(token: string): Promise<UserRecord | null> {
    if (token.length === 0 || token.length > 256) return null;
    const row = await this.d.db
      .selectFrom('password_resets')
      .select('user_id')
      .where('token_hash', '=', hashToken(token))
      .where('expires_at', '>', this.d.clock.now().toISOString())
      .executeTakeFirst();
    return row ? this.d.auth.accounts.findUserById(row.user_id) : null;
  }

  /** The account of a valid link, whose row is gone once this returns: two uses cannot both pass. */
  private async take(token: string): Promise<string | null> {
    if (token.length === 0 || token.length > 256) return null;
    const tokenHash = hashToken(token);
    const now = this.d.clock.now().toISOString();
    await this.d.db.deleteFrom('password_resets').where('expires_at', '<=', now).execute();
    return this.d.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('password_resets')
        .select('user_id')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (!row) return null;
      const deleted = await tx
        .deleteFrom('password_resets')
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) === 1 ? row.user_id : null;
    });
  }
}

async function admit(limiter: WindowLimiter, key: string): Promise<void> {
  const decision = await limiter.consume(key);
  if (!decision.allowed) {
    throw new RateLimitError(
      `Too many password resets asked for. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
      decision.retryAfterSeconds,
    );
  }
}

function resetMail(user: UserRecord, link: string, clientIp: string, at: Date): string {
  return [
    `Hello ${user.displayName},`,
    '',
    `someone asked to reset the password of your Conclave account (${user.email}).`,
    'To choose a new password, open this link within 30 minutes. It works once:',
    '',
    link,
    '',
    'Setting a new password signs you out everywhere else.',
    'If you did not ask for this, ignore this message: your password stays as it is.',
    '',
    `Asked from address ${clientIp} at ${at.toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
  ].join('\n');
}
