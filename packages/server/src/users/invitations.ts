import {
  acceptInvitationRequestSchema,
  createInvitationRequestSchema,
  ID_PATTERN,
  lookupInvitationRequestSchema,
  type AcceptInvitationRequest,
  type CreatedInvitationView,
  type CreateInvitationRequest,
  type InvitationPublicView,
  type InvitationListView,
  type LookupInvitationRequest,
} from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { AuditActor, AuditLog } from '../audit';
import { hashPassword, type AuthService, type IssuedSession } from '../auth';
import type { Clock } from '../common/clock';
import { AppError, notFound } from '../common/errors';
import { hashToken, newId, newSecretToken } from '../common/ids';
import { isUniqueViolation } from '../db';
import type { UserPrincipal } from '../domain';
import type { Mailer } from '../mail';
import type { OrganisationSettings } from '../settings';
import type { InvitationStore, PendingInvitation } from './invitation-store';
import { emailTaken, managersOnly } from './service';

/** How long a link works. */
const INVITATION_TTL_MS = 7 * 24 * 3600_000;
/**
 * Pending invitations per organisation: far more than people invite at once, and a bound on the rows
 * one manager's script could make.
 */
export const MAX_PENDING_INVITATIONS = 500;

const invitationInvalid = () =>
  new AppError(
    404,
    'invitation_invalid',
    'This invitation link is not valid any more: it was used already, revoked or replaced by a newer one, or it expired',
  );

export interface InvitationDeps {
  store: InvitationStore;
  auth: Pick<AuthService, 'accounts' | 'signInVouched'>;
  settings: Pick<OrganisationSettings, 'assertNewAccountAllowed'>;
  /** Whether the organisation makes accounts only at single sign-on (IAM-SSO-SAML, IAM-SSO-OIDC). */
  ssoOnly: (organisationId: string) => Promise<boolean>;
  audit: AuditLog;
  clock: Clock;
  publicUrl: string;
  mailer: Mailer;
  /** Where a failure after the answer was given is reported. */
  onBackgroundError: (err: unknown, what: string) => void;
}

/**
 * Invitations to join the organisation (IAM-ROLES, IAM-DOMAINS, ADM-AUDIT): a Superuser or
 * Administrator invites an address with a role, as they could add the account themselves
 * (`users.create`), and hands over the link; whoever holds it chooses a name and password, once,
 * within 7 days, and is signed in. The token is shown once, stored only hashed, never logged or
 * audited.
 */
export class Invitations {
  constructor(private readonly deps: InvitationDeps) {}

  async list(caller: UserPrincipal): Promise<InvitationListView> {
    authorize(caller, 'users.list', ORGANISATION, managersOnly);
    return {
      invitations: await this.deps.store.list(caller.organisationId, this.now()),
      canEmail: this.deps.mailer.configured,
    };
  }

  /** A new link for the address; an earlier invitation of it stops working. */
  async invite(actor: AuditActor, input: CreateInvitationRequest): Promise<CreatedInvitationView> {
    const caller = actor.principal;
    authorize(caller, 'users.create', ORGANISATION, managersOnly);
    const { email, role, sendEmail } = createInvitationRequestSchema.parse(input);
    const organisationId = caller.organisationId;
    await this.assertMayJoin(organisationId, email);
    const now = this.deps.clock.now();
    const at = now.toISOString();
    // Checked before writing, so a few racing invites may pass it together: a bound, not a quota.
    if ((await this.deps.store.countPendingBesides(organisationId, email, at)) >= MAX_PENDING_INVITATIONS) {
      throw new AppError(
        409,
        'too_many_invitations',
        `There are ${MAX_PENDING_INVITATIONS} pending invitations already; revoke some, or wait until they are used or expire`,
      );
    }
    const replaced = await this.deps.store.hasPending(organisationId, email, at);
    const token = newSecretToken();
    const invitation = {
      id: newId(now.getTime()),
      email,
      role,
      createdAt: at,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS).toISOString(),
    };
    await this.deps.store.save(
      { ...invitation, organisationId, invitedBy: caller.userId },
      hashToken(token),
      at,
    );
    await this.deps.audit.record(actor, 'user.invited', target(invitation), {
      role,
      ...(replaced && { replacedEarlier: true }),
    });
    const link = `${this.deps.publicUrl}/invite#token=${token}`;
    const emailed = sendEmail && this.deps.mailer.configured;
    // Sent after the answer: mail may be slow, and the link is shown here whatever becomes of it.
    if (emailed) {
      setImmediate(() => {
        this.mail(caller, invitation, link).catch((err: unknown) =>
          this.deps.onBackgroundError(err, 'invitation mail'),
        );
      });
    }
    return { ...invitation, invitedBy: caller.displayName, link, emailed };
  }

  private async mail(
    inviter: UserPrincipal,
    invitation: { email: string; role: 'user' | 'superuser'; expiresAt: string },
    link: string,
  ): Promise<void> {
    const organisation = await this.deps.auth.accounts.findOrganisation(inviter.organisationId);
    const until = invitation.expiresAt.replace('T', ' ').slice(0, 16);
    await this.deps.mailer.send({
      kind: 'invitation',
      to: invitation.email,
      subject: `${inviter.displayName} invited you to ${organisation?.name ?? 'Conclave'}`,
      text: [
        'Hello,',
        '',
        `${inviter.displayName} invited you to join ${organisation?.name ?? 'their organisation'} on Conclave` +
          (invitation.role === 'superuser' ? ' as a Superuser.' : '.'),
        'Open this link to choose your name and password. It works once, until ' + `${until} UTC:`,
        '',
        link,
        '',
        'If you did not expect this, ignore this message: nothing happens without the link.',
      ].join('\n'),
    });
  }

  async revoke(actor: AuditActor, id: string): Promise<void> {
    const caller = actor.principal;
    authorize(caller, 'users.create', ORGANISATION, managersOnly);
    const { organisationId } = caller;
    const invitation = ID_PATTERN.test(id)
      ? await this.deps.store.find(organisationId, id, this.now())
      : null;
    // Gone meanwhile (accepted, revoked by someone else): nothing was revoked here.
    if (!invitation || !(await this.deps.store.delete(organisationId, id))) {
      throw notFound('There is no such invitation');
    }
    await this.deps.audit.record(actor, 'user.invitationRevoked', target(invitation), {
      role: invitation.role,
    });
  }

  /** What the link is for, as its holder sees it before accepting; refused as accepting would be. */
  async lookup(input: LookupInvitationRequest): Promise<InvitationPublicView> {
    const { token } = lookupInvitationRequestSchema.parse(input);
    const { email, role, organisationName, expiresAt, organisationId } = await this.pending(hashToken(token));
    await this.assertMayJoin(organisationId, email);
    return { email, role, organisationName, expiresAt };
  }

  /** Makes the account the invitation is for, with the name and password its holder chose, and signs it in. */
  async accept(input: AcceptInvitationRequest, clientIp: string): Promise<IssuedSession> {
    const { token, displayName, password } = acceptInvitationRequestSchema.parse(input);
    const tokenHash = hashToken(token);
    // Before Argon2 runs, so that nobody without a live link can make the server spend it.
    const invitation = await this.pending(tokenHash);
    await this.assertMayJoin(invitation.organisationId, invitation.email).catch((err: unknown) =>
      this.refuseAsUsed(tokenHash, err),
    );
    const passwordHash = await hashPassword(password);
    const now = this.deps.clock.now();
    const userId = newId(now.getTime());
    let accepted: PendingInvitation | null;
    try {
      accepted = await this.deps.store.accept(tokenHash, {
        userId,
        displayName,
        passwordHash,
        at: now.toISOString(),
      });
    } catch (err) {
      // The address got an account meanwhile.
      return this.refuseAsUsed(tokenHash, isUniqueViolation(err) ? emailTaken() : err);
    }
    if (!accepted) throw invitationInvalid();
    const { organisationId, email, role } = accepted;
    await this.deps.audit.record(
      { system: 'Invitation link', organisationId, clientIp },
      'user.created',
      { kind: 'user', id: userId, name: `${displayName} <${email}>` },
      { role, via: 'invitation' },
    );
    return this.deps.auth.signInVouched(
      { id: userId, organisationId, email, displayName, role, passwordHash, revoked: false },
      'invitation',
    );
  }

  /**
   * A refusal that another accept of the same link may have caused (its account now holds the
   * address): once the link has served, every other accept is told that, whoever got there first.
   */
  private async refuseAsUsed(tokenHash: string, err: unknown): Promise<never> {
    if (!(await this.deps.store.pending(tokenHash, this.now()))) throw invitationInvalid();
    throw err;
  }

  private async pending(tokenHash: string): Promise<PendingInvitation> {
    const invitation = await this.deps.store.pending(tokenHash, this.now());
    if (!invitation) throw invitationInvalid();
    return invitation;
  }

  /**
   * Whether an account for `email` may be made in the organisation now, by invitation: asked when
   * inviting and again when the link is used, since the settings or the address may have changed.
   */
  private async assertMayJoin(organisationId: string, email: string): Promise<void> {
    if (await this.deps.ssoOnly(organisationId)) {
      throw new AppError(
        409,
        'sso_only',
        'This organisation signs in through its identity provider only: accounts are made at the first single sign-on',
      );
    }
    await this.deps.settings.assertNewAccountAllowed(organisationId, email);
    if (await this.deps.auth.accounts.findUserByEmail(email)) throw emailTaken();
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

const target = (invitation: { id: string; email: string }) => ({
  kind: 'invitation' as const,
  id: invitation.id,
  name: invitation.email,
});
