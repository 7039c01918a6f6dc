import {
  setSsoConfigRequestSchema,
  type SetSsoConfigRequest,
  type SsoConfigView,
  type SsoProtocol,
  type SsoStatus,
} from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { AuditActor, AuditLog } from '../audit';
import type { AuthService } from '../auth';
import type { Clock } from '../common/clock';
import { AppError, RateLimitError } from '../common/errors';
import { describeWait, type Limiters, type WindowLimiter } from '../common/rate-limit';
import type { UserPrincipal } from '../domain';
import type { OrganisationSettings } from '../settings';
import { SsoAccounts, ssoUnavailable } from './accounts';
import { certificatePem, describeCertificate, parseIdpMetadata } from './idp-metadata';
import { OidcSignIn } from './oidc';
import { SamlSignIn } from './saml';
import type { OidcConfig, SamlConfig, SsoConfig, SsoStore } from './store';

export interface SsoOptions {
  publicUrl: string;
  /** Only for tests against an identity provider on http://127.0.0.1: production providers use HTTPS. */
  allowInsecureIssuers?: boolean;
  /** How long a sign-in may stay at the identity provider (default 10 minutes). */
  attemptTtlMs?: number;
  /** Where sign-in starts per client address are counted (each leaves a row until it expires). */
  limiters: Limiters;
}

/** Generous for a whole office behind one address; a stranger cannot fill the tables. */
const STARTS_PER_ADDRESS = { limit: 60, windowMs: 10 * 60_000 };
/** SAML answers posted, each an XML parse and signature check before anything is known of it. */
const ANSWERS_PER_ADDRESS = { limit: 120, windowMs: 10 * 60_000 };

const mayConfigure = (caller: UserPrincipal) =>
  authorize(caller, 'settings.sso', ORGANISATION, 'Only Superusers and Administrators can configure sign-on');

async function admit(limiter: WindowLimiter, clientIp: string): Promise<void> {
  const decision = await limiter.consume(clientIp);
  if (!decision.allowed) {
    throw new RateLimitError(
      `Too many sign-ins from your address. Try again in ${describeWait(decision.retryAfterSeconds)}.`,
      decision.retryAfterSeconds,
    );
  }
}

const isLoopback = (url: URL) => ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);

/**
 * Single sign-on for the organisation (IAM-SSO-SAML, IAM-SSO-OIDC): its one identity provider, of
 * either protocol, configured by a Superuser or Administrator (ADM-AUDIT records each change), and the
 * sign-ins through it. Sign-in starts are counted per client address, since each leaves a row behind.
 */
export class SingleSignOn {
  readonly oidc: OidcSignIn;
  readonly saml: SamlSignIn;
  private readonly startsPerAddress: WindowLimiter;
  private readonly answersPerAddress: WindowLimiter;

  constructor(
    private readonly store: SsoStore,
    private readonly auth: AuthService,
    settings: Pick<OrganisationSettings, 'assertNewAccountAllowed'>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly o: SsoOptions,
  ) {
    const accounts = new SsoAccounts(auth, settings, audit, clock);
    this.oidc = new OidcSignIn(store, accounts, auth, clock, o);
    this.saml = new SamlSignIn(store, accounts, auth, clock, o);
    this.startsPerAddress = o.limiters.window('sso:starts', STARTS_PER_ADDRESS);
    this.answersPerAddress = o.limiters.window('sso:answers', ANSWERS_PER_ADDRESS);
  }

  async view(caller: UserPrincipal): Promise<SsoConfigView> {
    mayConfigure(caller);
    return this.describe(await this.store.config(caller.organisationId));
  }

  /** Sets the identity provider, checked first: OIDC must answer discovery, SAML must parse. */
  async configure(actor: AuditActor, input: SetSsoConfigRequest): Promise<SsoConfigView> {
    const caller = actor.principal;
    mayConfigure(caller);
    const request = setSsoConfigRequestSchema.parse(input);
    const organisationId = caller.organisationId;
    let config: SsoConfig | null;
    let recorded: Record<string, string | boolean | null>;
    if (request.protocol === null) {
      config = null;
      recorded = { protocol: null };
    } else if (request.protocol === 'oidc') {
      this.assertSecure(request.issuer, 'issuer', false);
      const before = await this.store.config(organisationId);
      config = {
        protocol: 'oidc',
        organisationId,
        issuer: request.issuer,
        clientId: request.clientId,
        clientSecret: request.clientSecret ?? (before?.protocol === 'oidc' ? before.clientSecret : null),
        ssoOnly: request.ssoOnly,
      };
      if (!(await this.oidc.answers(config)))
        throw new AppError(
          400,
          'sso_unavailable',
          'The identity provider did not answer discovery',
          'issuer',
        );
      // Never the secret: only whether it changed.
      recorded = {
        protocol: 'oidc',
        issuer: config.issuer,
        clientId: config.clientId,
        ssoOnly: config.ssoOnly,
        secretChanged: request.clientSecret !== undefined,
      };
    } else {
      const idp =
        request.metadataXml !== undefined
          ? parseIdpMetadata(request.metadataXml)
          : {
              entityId: request.entityId!,
              ssoUrl: request.ssoUrl!,
              certificates: await this.certificatesGiven(organisationId, request.certificate),
            };
      this.assertSecure(idp.ssoUrl, request.metadataXml !== undefined ? 'metadataXml' : 'ssoUrl', true);
      config = {
        protocol: 'saml',
        organisationId,
        ...idp,
        allowIdpInitiated: request.allowIdpInitiated,
        ssoOnly: request.ssoOnly,
      };
      recorded = {
        protocol: 'saml',
        entityId: config.entityId,
        ssoUrl: config.ssoUrl,
        certificates: config.certificates.map((c) => describeCertificate(c).sha256).join(' '),
        allowIdpInitiated: config.allowIdpInitiated,
        ssoOnly: config.ssoOnly,
      };
    }
    if (config) await this.store.saveConfig(config, this.clock.now().toISOString());
    else await this.store.removeConfig(organisationId);
    await this.audit.record(
      actor,
      'sso.changed',
      { kind: 'sso', id: null, name: 'single sign-on' },
      recorded,
    );
    return this.describe(config);
  }

  /** What the sign-in page offers: the organisation of this installation. */
  async status(): Promise<SsoStatus> {
    const config = await this.primaryConfig();
    return { protocol: config?.protocol ?? null, ssoOnly: config?.ssoOnly ?? false };
  }

  /** The organisation's provider for a sign-in from this address, counted against the address's limit. */
  async begin<P extends SsoProtocol>(
    protocol: P,
    clientIp: string,
  ): Promise<P extends 'saml' ? SamlConfig : OidcConfig> {
    const config = await this.provider(protocol);
    await admit(this.startsPerAddress, clientIp);
    return config;
  }

  /** The SAML provider, for an answer posted from this address: counted before it is looked at. */
  async answer(clientIp: string): Promise<SamlConfig> {
    await admit(this.answersPerAddress, clientIp);
    return this.provider('saml');
  }

  /** The organisation's provider if it speaks this protocol. */
  async provider<P extends SsoProtocol>(protocol: P): Promise<P extends 'saml' ? SamlConfig : OidcConfig> {
    const config = await this.primaryConfig();
    if (config?.protocol !== protocol) throw ssoUnavailable();
    return config as P extends 'saml' ? SamlConfig : OidcConfig;
  }

  private async primaryConfig(): Promise<SsoConfig | null> {
    const organisationId = await this.auth.accounts.primaryOrganisationId();
    return organisationId ? this.store.config(organisationId) : null;
  }

  /**
   * The server itself fetches an OIDC issuer's discovery, so it must be HTTPS; a SAML provider is only
   * where browsers are sent, and may be a plain loopback address (a provider on the same machine).
   */
  private assertSecure(address: string, field: string, loopbackAllowed: boolean): void {
    const url = new URL(address);
    if (url.protocol === 'https:' || this.o.allowInsecureIssuers) return;
    if (!(loopbackAllowed && isLoopback(url)))
      throw new AppError(
        400,
        'validation_failed',
        'The identity provider must use an https:// address',
        field,
      );
  }

  /** The certificate given, or the ones stored when none is. */
  private async certificatesGiven(organisationId: string, certificate: string | undefined) {
    if (certificate !== undefined) return [certificatePem(certificate)];
    const before = await this.store.config(organisationId);
    if (before?.protocol !== 'saml')
      throw new AppError(
        400,
        'validation_failed',
        'Give the identity provider’s signing certificate',
        'certificate',
      );
    return before.certificates;
  }

  private describe(c: SsoConfig | null): SsoConfigView {
    return {
      protocol: c?.protocol ?? null,
      ssoOnly: c?.ssoOnly ?? false,
      oidc:
        c?.protocol === 'oidc'
          ? { issuer: c.issuer, clientId: c.clientId, clientSecretSet: c.clientSecret !== null }
          : null,
      saml:
        c?.protocol === 'saml'
          ? {
              entityId: c.entityId,
              ssoUrl: c.ssoUrl,
              certificates: c.certificates.map(describeCertificate),
              allowIdpInitiated: c.allowIdpInitiated,
            }
          : null,
      serviceProvider: {
        oidcRedirectUri: this.oidc.redirectUri,
        samlEntityId: this.saml.entityId,
        samlAcsUrl: this.saml.acsUrl,
        samlMetadataUrl: this.saml.entityId,
      },
    };
  }
}
