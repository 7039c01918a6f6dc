import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import * as samlify from 'samlify';
import { selfSignedPair } from './tls';

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const EMAIL_NAME_ID = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/** Who the identity provider vouches for, as its login page would after a password. */
export interface SamlPerson {
  email: string;
  displayName: string;
}

/** What a response may get wrong on purpose, to see it refused. */
export interface ResponseFaults {
  /** The signed assertion's address changed afterwards (the signature no longer matches). */
  tampered?: boolean;
  audience?: string;
  recipient?: string;
  /** Minutes from now (negative: in the past) for NotOnOrAfter, in Conditions and the confirmation. */
  expiresInMinutes?: number;
  issuer?: string;
}

export interface ServiceProviderRef {
  entityId: string;
  acsUrl: string;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A real SAML 2.0 identity provider for tests: samlify signs each assertion with its own key
 * (RSA-SHA256, exclusive canonicalisation), the way a production provider does. `serve()` puts it on
 * 127.0.0.1 for a browser: its sign-in page answers at once for `person` with a form that posts the
 * response to the service provider, as a provider's page does after the password.
 */
export class TestSamlIdp {
  person: SamlPerson = { email: 'alice@acme.test', displayName: 'Alice Example' };
  /** What the served pages get wrong in their next responses (see `listen`). */
  faults: ResponseFaults & { replay?: boolean } = {};
  private lastResponse: string | null = null;
  readonly certificatePem: string;
  private readonly idp: ReturnType<typeof samlify.IdentityProvider>;
  private server: Server | null = null;

  constructor(
    readonly entityId = 'https://idp.example.test/saml',
    readonly ssoUrl = 'https://idp.example.test/saml/sso',
  ) {
    const { key, cert } = selfSignedPair('Test SAML IdP');
    this.certificatePem = cert;
    this.idp = samlify.IdentityProvider({
      entityID: entityId,
      privateKey: key,
      signingCert: cert,
      nameIDFormat: [EMAIL_NAME_ID],
      singleSignOnService: [{ Binding: REDIRECT, Location: ssoUrl }],
      singleLogoutService: [{ Binding: REDIRECT, Location: `${ssoUrl}/logout` }],
      generateID: () => `_${randomUUID()}`,
    });
  }

  /** The provider's SAML metadata, as an administrator downloads it. */
  metadataXml(): string {
    return this.idp.getMetadata();
  }

  /** The ID of the AuthnRequest carried by a Redirect-binding URL (the service provider's redirect). */
  static requestIdOf(redirectUrl: string): string {
    const encoded = new URL(redirectUrl).searchParams.get('SAMLRequest');
    if (!encoded) throw new Error(`No SAMLRequest in ${redirectUrl}`);
    const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
    const id = /\sID="([^"]+)"/.exec(xml)?.[1];
    if (!id) throw new Error(`No ID in ${xml}`);
    return id;
  }

  /** A signed response for `person` (base64, as posted), answering `inResponseTo` or unsolicited. */
  async response(
    sp: ServiceProviderRef,
    inResponseTo: string | null,
    faults: ResponseFaults = {},
  ): Promise<string> {
    const serviceProvider = samlify.ServiceProvider({
      entityID: sp.entityId,
      assertionConsumerService: [{ Binding: POST, Location: sp.acsUrl }],
      wantAssertionsSigned: true,
    });
    const now = new Date();
    const until = new Date(now.getTime() + (faults.expiresInMinutes ?? 5) * 60_000).toISOString();
    const person = this.person;
    const attribute = (name: string, value: string) =>
      `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">` +
      `<saml:AttributeValue xsi:type="xs:string">${escapeXml(value)}</saml:AttributeValue></saml:Attribute>`;
    const values: Record<string, string> = {
      ID: `_${randomUUID()}`,
      AssertionID: `_${randomUUID()}`,
      Destination: sp.acsUrl,
      Audience: faults.audience ?? sp.entityId,
      SubjectRecipient: faults.recipient ?? sp.acsUrl,
      Issuer: faults.issuer ?? this.entityId,
      IssueInstant: now.toISOString(),
      StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      ConditionsNotBefore: now.toISOString(),
      ConditionsNotOnOrAfter: until,
      SubjectConfirmationDataNotOnOrAfter: until,
      NameIDFormat: EMAIL_NAME_ID,
      NameID: escapeXml(person.email),
      InResponseTo: inResponseTo ?? '',
      AuthnStatement: `<saml:AuthnStatement AuthnInstant="${now.toISOString()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
      AttributeStatement: `<saml:AttributeStatement>${attribute('email', person.email)}${attribute('displayName', person.displayName)}</saml:AttributeStatement>`,
    };
    const built = await this.idp.createLoginResponse(
      serviceProvider,
      { extract: {} },
      'post',
      {},
      (template: string) => ({
        id: values.ID!,
        context: template.replace(/\{(\w+)\}/g, (_, tag: string) => values[tag] ?? ''),
      }),
    );
    if (!faults.tampered) return built.context;
    const xml = Buffer.from(built.context, 'base64').toString('utf8');
    return Buffer.from(xml.replaceAll(escapeXml(person.email), 'mallory@acme.test'), 'utf8').toString(
      'base64',
    );
  }

  /**
   * A provider served on 127.0.0.1 for a browser: GET /sso (the SP's redirect, answered) and
   * GET /start (a sign-in started at the provider) each give a page that posts the response to the
   * SP's assertion consumer service, with `faults` if set (`replay`: the previous response again).
   * Its entity id is its address.
   */
  static async listen(sp: ServiceProviderRef): Promise<TestSamlIdp & { startUrl: string }> {
    let idp: TestSamlIdp | null = null;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!idp || (url.pathname !== '/sso' && url.pathname !== '/start')) {
        res.writeHead(404).end();
        return;
      }
      const requestId = url.pathname === '/sso' ? TestSamlIdp.requestIdOf(url.toString()) : null;
      const relayState = url.searchParams.get('RelayState');
      const { replay, ...faults } = idp.faults;
      const respond =
        replay && idp.lastResponse ? Promise.resolve(idp.lastResponse) : idp.response(sp, requestId, faults);
      void respond.then((response) => {
        idp!.lastResponse = response;
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(
            `<!doctype html><title>Test IdP</title><form method="post" action="${escapeXml(sp.acsUrl)}">` +
              `<input type="hidden" name="SAMLResponse" value="${response}">` +
              (relayState ? `<input type="hidden" name="RelayState" value="${escapeXml(relayState)}">` : '') +
              `<button>Continue</button></form><script>document.forms[0].submit()</script>`,
          );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    idp = new TestSamlIdp(base, `${base}/sso`);
    idp.server = server;
    return Object.assign(idp, { startUrl: `${base}/start` });
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
