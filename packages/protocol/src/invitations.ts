import { z } from 'zod';
import { assignableRoleSchema } from './admin';
import { displayNameSchema, emailSchema, newPasswordSchema } from './api';

/**
 * Invitations to join the organisation (IAM-ROLES): a Superuser or Administrator names an address and
 * a role, and hands the single-use link to the person, who chooses their own name and password. The
 * link's secret sits in its fragment (`/invite#token=…`), which browsers never send, so no server or
 * proxy log sees it; the invite page sends it in request bodies only.
 */

type AssignableRole = z.infer<typeof assignableRoleSchema>;

/**
 * POST /api/users/invitations: inviting an address again replaces its earlier invitation. `sendEmail`
 * also mails the link to the address (where the installation has outgoing mail).
 */
export const createInvitationRequestSchema = z.object({
  email: emailSchema,
  role: assignableRoleSchema.default('user'),
  sendEmail: z.boolean().default(false),
});
export type CreateInvitationRequest = z.input<typeof createInvitationRequestSchema>;

/** GET /api/users/invitations: a pending invitation as the administration sees it (never its link). */
export interface InvitationView {
  id: string;
  email: string;
  role: AssignableRole;
  /** The display name of whoever invited; null once that account is gone. */
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
}

/** The answer to POST /api/users/invitations: the only time the link is ever shown. */
export interface CreatedInvitationView extends InvitationView {
  link: string;
  /** The link is on its way by email too. */
  emailed: boolean;
}

/** GET /api/users/invitations. */
export interface InvitationListView {
  invitations: InvitationView[];
  /** Invitations can be emailed: the installation has outgoing mail. */
  canEmail: boolean;
}

/** The secret of an invitation link, as the invite page read it from the fragment. */
const invitationTokenSchema = z.string().min(1).max(256);

/** POST /api/invitations/lookup (anyone holding the link): what the invitation is for. */
export const lookupInvitationRequestSchema = z.object({ token: invitationTokenSchema });
export type LookupInvitationRequest = z.infer<typeof lookupInvitationRequestSchema>;

export interface InvitationPublicView {
  email: string;
  role: AssignableRole;
  organisationName: string;
  expiresAt: string;
}

/** POST /api/invitations/accept: makes the account and signs it in (the answer is a SessionView). */
export const acceptInvitationRequestSchema = z.object({
  token: invitationTokenSchema,
  displayName: displayNameSchema,
  password: newPasswordSchema,
});
export type AcceptInvitationRequest = z.infer<typeof acceptInvitationRequestSchema>;
