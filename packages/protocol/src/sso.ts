import { z } from 'zod';

/**
 * Single sign-on (IAM-SSO-SAML, IAM-SSO-OIDC). A Superuser or Administrator configures the
 * organisation's identity provider, SAML 2.0 or OpenID Connect; people then sign in there, and an
 * account is made for someone new (role User, allowed email domains only).
 */

export type SsoProtocol = 'saml' | 'oidc';

/** One of the identity provider's signing certificates, as the console shows it. */
export interface SamlCertificateView {
  subject: string;
  /** ISO 8601; a certificate past it still verifies (SAML trusts the key, not the dates), but needs replacing. */
  notAfter: string;
  /** SHA-256 fingerprint, colon-separated hex, to compare with what the identity provider shows. */
  sha256: string;
}

/** GET /api/sso (Superusers and Administrators): the configuration, without its secret. */
export interface SsoConfigView {
  /** Null: no single sign-on. */
  protocol: SsoProtocol | null;
  /** Passwords are refused for everyone but the Administrator (who keeps one, so as not to be locked out). */
  ssoOnly: boolean;
  oidc: {
    issuer: string;
    clientId: string;
    /** A client secret is stored (it is never shown again). */
    clientSecretSet: boolean;
  } | null;
  saml: {
    /** The identity provider's entity id: the Issuer its assertions must carry. */
    entityId: string;
    /** Where people are sent to sign in (HTTP-Redirect binding). */
    ssoUrl: string;
    certificates: SamlCertificateView[];
    /** Sign-ins started at the identity provider's portal are accepted (each assertion still serves once). */
    allowIdpInitiated: boolean;
  } | null;
  /** What to register at the identity provider, for either protocol. */
  serviceProvider: {
    oidcRedirectUri: string;
    samlEntityId: string;
    samlAcsUrl: string;
    samlMetadataUrl: string;
  };
}

/**
 * PUT /api/sso. OpenID Connect by its issuer (discovered); a secret left out keeps the stored one.
 * SAML by the identity provider's metadata XML, or by its entity id, sign-in address and signing
 * certificate (PEM; left out, the stored ones are kept) — one way or the other, not both.
 */
export const setSsoConfigRequestSchema = z.discriminatedUnion('protocol', [
  z.object({ protocol: z.literal(null), ssoOnly: z.literal(false).default(false) }),
  z.object({
    protocol: z.literal('oidc'),
    issuer: z.url({ protocol: /^https?$/ }).max(500),
    clientId: z.string().trim().min(1).max(200),
    clientSecret: z.string().min(1).max(500).optional(),
    ssoOnly: z.boolean().default(false),
  }),
  z
    .object({
      protocol: z.literal('saml'),
      metadataXml: z.string().trim().min(1).max(200_000).optional(),
      entityId: z.string().trim().min(1).max(500).optional(),
      ssoUrl: z
        .url({ protocol: /^https?$/ })
        .max(2000)
        .optional(),
      certificate: z.string().trim().min(1).max(20_000).optional(),
      allowIdpInitiated: z.boolean().default(true),
      ssoOnly: z.boolean().default(false),
    })
    .refine(
      (s) =>
        s.metadataXml !== undefined
          ? s.entityId === undefined && s.ssoUrl === undefined && s.certificate === undefined
          : s.entityId !== undefined && s.ssoUrl !== undefined,
      {
        message: 'Give the identity provider’s metadata, or its entity id and sign-in URL',
        path: ['metadataXml'],
      },
    ),
]);
export type SetSsoConfigRequest = z.input<typeof setSsoConfigRequestSchema>;

/** GET /api/auth/sso (anyone): what the sign-in page offers. */
export interface SsoStatus {
  /** Null: no single sign-on; else where its button starts: /api/auth/sso/<protocol>/start. */
  protocol: SsoProtocol | null;
  /** Passwords are refused (but the Administrator's). */
  ssoOnly: boolean;
}
