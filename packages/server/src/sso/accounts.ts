import { displayNameSchema, emailSchema, type SsoProtocol } from '@conclave/protocol';
import type { AuditLog } from '../audit';
import type { AuthService } from '../auth';
import type { UserRecord } from '../auth/store';
import type { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import { newId } from '../common/ids';
import { isUniqueViolation } from '../db';
import type { OrganisationSettings } from '../settings';

export const ssoFailed = (message = 'Single sign-on did not complete; start again') =>
  new AppError(400, 'sso_failed', message);
export const ssoUnavailable = (message = 'Single sign-on is not set up for this organisation') =>
  new AppError(404, 'sso_unavailable', message);

/** Whatever the identity provider answered, it may only send people to a page of this site. */
export function safeNext(next: string | undefined | null): string {
  return typeof next === 'string' && /^\/(?!\/)[^\\\s]*$/.test(next) ? next : '/';
}

/** Who the identity provider vouched for, as it said it. */
export interface VouchedPerson {
  email: string;
  name: string | null;
}

/**
 * The accounts single sign-on leads to, whichever protocol vouched: the person with that address, or a
 * new account (role User) where the domain is allowed (IAM-DOMAINS). Never the Administrator's.
 */
export class SsoAccounts {
  constructor(
    private readonly auth: AuthService,
    private readonly settings: Pick<OrganisationSettings, 'assertNewAccountAllowed'>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async accountFor(
    organisationId: string,
    person: VouchedPerson,
    via: SsoProtocol,
    clientIp: string,
  ): Promise<UserRecord> {
    const parsed = emailSchema.safeParse(person.email);
    if (!parsed.success) throw ssoFailed('The identity provider did not vouch for an email address');
    const email = parsed.data;
    const existing = await this.auth.accounts.findUserByEmail(email);
    if (existing) {
      if (existing.organisationId !== organisationId)
        throw ssoFailed('This address belongs to another organisation');
      // Whoever configures the provider could have it vouch for any address: not for the Administrator's,
      // whom no Superuser may change or act as (IAM-ADMIN-PROTECT). They sign in with their password.
      if (existing.role === 'administrator')
        throw ssoFailed('The Administrator signs in with their password');
      return existing;
    }
    await this.settings.assertNewAccountAllowed(organisationId, email);
    const now = this.clock.now();
    const user = {
      id: newId(now.getTime()),
      organisationId,
      email,
      displayName: displayName(person.name, email),
      role: 'user' as const,
      passwordHash: null,
      createdAt: now.toISOString(),
    };
    try {
      await this.auth.accounts.createUser(user);
    } catch (err) {
      // The same person signing in twice at once: the other request made it.
      if (!isUniqueViolation(err)) throw err;
      const made = await this.auth.accounts.findUserByEmail(email);
      if (!made) throw err;
      return made;
    }
    await this.audit.record(
      { system: 'Single sign-on', organisationId, clientIp },
      'user.created',
      { kind: 'user', id: user.id, name: `${user.displayName} <${email}>` },
      { role: 'user', via },
    );
    return { ...user, revoked: false };
  }
}

/**
 * The provider's name for them under the one rule for names people show each other; one that breaks
 * it (hidden or direction-changing characters) gives way to the address's local part.
 */
function displayName(name: string | null, email: string): string {
  const fallback = email.split('@')[0]!.slice(0, 64);
  if (name === null) return fallback;
  const parsed = displayNameSchema.safeParse(name.slice(0, 64));
  return parsed.success ? parsed.data : fallback;
}
