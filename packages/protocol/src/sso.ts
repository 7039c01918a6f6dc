import { z } from 'zod';

/**
 * Single sign-on (IAM-SSO-OIDC; SAML comes with IAM-SSO-SAML). A Superuser or Administrator
 * configures the organisation's identity provider; people then sign in there, and an account is made
 * for someone new (role User, allowed email domains only).
 */

/** GET /api/sso (Superusers and Administrators): the configuration, without its secret. */
export interface SsoConfigView {
  /** Null: no single sign-on. */
  protocol: 'oidc' | null;
  issuer: string;
  clientId: string;
  /** A client secret is stored (it is never shown again). */
  clientSecretSet: boolean;
  /** Passwords are refused for everyone but the Administrator (who keeps one, so as not to be locked out). */
  ssoOnly: boolean;
  /** What to register at the identity provider as the redirect URI. */
  redirectUri: string;
}

/** PUT /api/sso: OpenID Connect, by its issuer (discovered); a secret left out keeps the stored one. */
export const setSsoConfigRequestSchema = z.discriminatedUnion('protocol', [
  z.object({ protocol: z.literal(null), ssoOnly: z.literal(false).default(false) }),
  z.object({
    protocol: z.literal('oidc'),
    issuer: z.url({ protocol: /^https?$/ }).max(500),
    clientId: z.string().trim().min(1).max(200),
    clientSecret: z.string().min(1).max(500).optional(),
    ssoOnly: z.boolean().default(false),
  }),
]);
export type SetSsoConfigRequest = z.input<typeof setSsoConfigRequestSchema>;

/** GET /api/auth/sso (anyone): what the sign-in page offers. */
export interface SsoStatus {
  oidc: boolean;
  /** Passwords are refused (but the Administrator's). */
  ssoOnly: boolean;
}
