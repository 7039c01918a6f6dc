import {
  generateServiceProviderMetadata,
  SAML,
  ValidateInResponseTo,
  type Profile,
} from '@node-saml/node-saml';
import type { AuthService, IssuedSession } from '../auth';
import type { Clock } from '../common/clock';
import { newSecretToken } from '../common/ids';
import { safeNext, ssoFailed, type SsoAccounts, type VouchedPerson } from './accounts';
import { AssertionRefused, checkAssertion, checkResponse } from './saml-assertion';
import type { SamlConfig, SsoStore } from './store';

export interface SamlOptions {
  publicUrl: string;
  /** How long a sign-in may stay at the identity provider (default 10 minutes). */
  attemptTtlMs?: number;
}

/** Clocks of the provider and of this server may differ this much. */
const CLOCK_SKEW_MS = 60_000;
/** However long the provider lets its assertion live, a sign-in is a thing of minutes. */
const MAX_ASSERTION_AGE_MS = 10 * 60_000;

const EMAIL_NAME_ID = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
/** Where providers put the address and the name: LDAP-style, OID and Microsoft's claim names. */
const EMAIL_ATTRIBUTES = [
  'email',
  'mail',
  'urn:oid:0.9.2342.19200300.100.1.3',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
];
const NAME_ATTRIBUTES = [
  'displayName',
  'urn:oid:2.16.840.1.113730.3.1.241',
  'http://schemas.microsoft.com/identity/claims/displayname',
  'name',
  'cn',
  'urn:oid:2.5.4.3',
];

/** The refusal of node-saml or of our own checks, with its reason for the log (never for the browser). */
export class SamlRefusal extends Error {}

/**
 * SAML 2.0 sign-in (IAM-SSO-SAML) as a service provider, with node-saml: SP-initiated over the
 * HTTP-Redirect binding, answered over HTTP-POST, or started at the identity provider. Assertions
 * must be signed by one of the configured certificates; audience, recipient, destination, issuer
 * and time window are checked; a request is answered once and an assertion serves once, whichever
 * node of the cluster it reaches (both are kept in the database).
 */
export class SamlSignIn {
  readonly entityId: string;
  readonly acsUrl: string;

  constructor(
    private readonly store: SsoStore,
    private readonly accounts: SsoAccounts,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    private readonly o: SamlOptions,
  ) {
    this.entityId = new URL('/api/auth/sso/saml/metadata', o.publicUrl).toString();
    this.acsUrl = new URL('/api/auth/sso/saml/acs', o.publicUrl).toString();
  }

  /** This service provider's metadata, for the identity provider's administrator. */
  metadata(): string {
    return generateServiceProviderMetadata({
      issuer: this.entityId,
      callbackUrl: this.acsUrl,
      wantAssertionsSigned: true,
      identifierFormat: EMAIL_NAME_ID,
    });
  }

  /** The identity provider's sign-in address with an AuthnRequest whose ID is kept for the answer. */
  async start(config: SamlConfig, next: string | undefined): Promise<string> {
    const requestId = `_${newSecretToken()}`;
    const now = this.clock.now().getTime();
    await this.store.addSamlRequest(
      requestId,
      config.organisationId,
      safeNext(next),
      new Date(now + (this.o.attemptTtlMs ?? 10 * 60_000)).toISOString(),
      new Date(now).toISOString(),
    );
    return this.client(config, () => requestId).getAuthorizeUrlAsync('', undefined, {});
  }

  /**
   * The browser posted the provider's answer to the assertion consumer service. Throws SamlRefusal
   * (with the reason) for anything that is not a valid, fresh, first-used assertion for this site.
   */
  async finish(
    config: SamlConfig,
    form: { SAMLResponse?: unknown; RelayState?: unknown },
    clientIp: string,
  ): Promise<{ session: IssuedSession; next: string }> {
    if (typeof form.SAMLResponse !== 'string' || form.SAMLResponse.length === 0)
      throw new SamlRefusal('No SAMLResponse in the form');
    // SAML never needs a document type declaration, and entity expansion lives there: refused before
    // any parser sees it.
    if (/<!DOCTYPE/i.test(Buffer.from(form.SAMLResponse, 'base64').toString('utf8'))) {
      throw new SamlRefusal('The response declares a document type');
    }
    let profile: Profile;
    try {
      const result = await this.client(config).validatePostResponseAsync({
        SAMLResponse: form.SAMLResponse,
      });
      if (!result.profile) throw new Error('Not a sign-in response');
      profile = result.profile;
    } catch (err) {
      throw new SamlRefusal(err instanceof Error ? err.message : String(err));
    }
    const now = this.clock.now();
    let facts;
    try {
      facts = checkAssertion(profile.getAssertionXml!(), {
        acsUrl: this.acsUrl,
        now,
        clockSkewMs: CLOCK_SKEW_MS,
        maxAgeMs: MAX_ASSERTION_AGE_MS,
      });
      checkResponse(profile.getSamlResponseXml!(), this.acsUrl, facts.inResponseTo);
    } catch (err) {
      if (err instanceof AssertionRefused) throw new SamlRefusal(err.message);
      throw err;
    }
    if (profile.issuer !== config.entityId) throw new SamlRefusal('The assertion comes from another issuer');

    let next: string;
    if (facts.inResponseTo !== null) {
      const stored = await this.store.takeSamlRequest(
        facts.inResponseTo,
        config.organisationId,
        now.toISOString(),
      );
      if (stored === null)
        throw new SamlRefusal('The request answered is unknown, expired or already answered');
      next = stored;
    } else {
      if (!config.allowIdpInitiated)
        throw new SamlRefusal('Sign-ins started at the identity provider are off');
      next = safeNext(typeof form.RelayState === 'string' ? form.RelayState : null);
    }
    const first = await this.store.firstUseOfAssertion(
      config.organisationId,
      facts.id,
      facts.acceptableUntil.toISOString(),
      now.toISOString(),
    );
    if (!first) throw new SamlRefusal('This assertion was used before');

    const user = await this.accounts.accountFor(config.organisationId, vouched(profile), 'saml', clientIp);
    return { session: await this.auth.signInVouched(user, 'sso'), next };
  }

  private client(config: SamlConfig, generateUniqueId?: () => string): SAML {
    return new SAML({
      idpCert: config.certificates,
      idpIssuer: config.entityId,
      issuer: this.entityId,
      audience: this.entityId,
      callbackUrl: this.acsUrl,
      entryPoint: config.ssoUrl,
      // The assertion itself must be signed (SAML profiles §4.1.3.5); a signed Response alone is not enough.
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      // InResponseTo is checked against the database here, shared by every node (see finish).
      validateInResponseTo: ValidateInResponseTo.never,
      acceptedClockSkewMs: CLOCK_SKEW_MS,
      maxAssertionAgeMs: MAX_ASSERTION_AGE_MS,
      // Any NameID will do: the address may come as an attribute; and no authentication context is
      // imposed, which would refuse people whose provider signs them in more strongly.
      identifierFormat: null,
      disableRequestedAuthnContext: true,
      ...(generateUniqueId && { generateUniqueId }),
    });
  }
}

/** The address and name the provider vouched for: from the usual attributes, else an email NameID. */
function vouched(profile: Profile): VouchedPerson {
  const values = profile as unknown as Record<string, unknown>;
  const first = (names: string[]) =>
    names
      .map((n) => values[n])
      .map((v) => (Array.isArray(v) ? v[0] : v))
      .find((v): v is string => typeof v === 'string' && v.trim() !== '');
  const email =
    first(EMAIL_ATTRIBUTES) ?? (profile.nameIDFormat === EMAIL_NAME_ID ? profile.nameID : undefined);
  if (!email) throw ssoFailed('The identity provider did not vouch for an email address');
  const given = first(['givenName', 'urn:oid:2.5.4.42']);
  const family = first(['sn', 'surname', 'urn:oid:2.5.4.4']);
  return {
    email,
    name: first(NAME_ATTRIBUTES) ?? (given && family ? `${given} ${family}` : (given ?? null)),
  };
}
