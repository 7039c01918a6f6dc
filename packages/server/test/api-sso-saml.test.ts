import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import type { AuditPageView, SessionView, SsoConfigView, SsoStatus } from '@conclave/protocol';
import { PUBLIC_URL, setUp, signedInUsers, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { TestSamlIdp, type ResponseFaults } from './support/saml-idp';

const SP = {
  entityId: `${PUBLIC_URL}/api/auth/sso/saml/metadata`,
  acsUrl: `${PUBLIC_URL}/api/auth/sso/saml/acs`,
};

const form = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

describeEachDatabase('IAM-SSO-SAML: signing in through a SAML 2.0 identity provider', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let organisationId: string;
  const idp = new TestSamlIdp();

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    // Assertions carry real time, and node-saml reads the real clock: the server's must agree.
    t.clock.set(new Date());
    const done = await setUp(t);
    ada = done.client;
    organisationId = done.session.organisation.id;
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  /** Posts a response to the assertion consumer service from a fresh browser. */
  const post = async (samlResponse: string, relayState?: string, browser = new TestClient(t.app)) => {
    const { body, headers } = form({
      SAMLResponse: samlResponse,
      ...(relayState !== undefined && { RelayState: relayState }),
    });
    const res = await browser.request('POST', '/api/auth/sso/saml/acs', body, { headers });
    return { res, browser };
  };
  /** A sign-in started here: the provider's answer to the request the redirect carried. */
  const spInitiated = async (next = '/directory', faults?: ResponseFaults) => {
    const start = await new TestClient(t.app).get(
      `/api/auth/sso/saml/start?next=${encodeURIComponent(next)}`,
    );
    assert.equal(start.statusCode, 302, start.body);
    const location = String(start.headers.location);
    assert.ok(location.startsWith(`${idp.ssoUrl}?SAMLRequest=`), location);
    return idp.response(SP, TestSamlIdp.requestIdOf(location), faults);
  };
  const refused = (res: {
    statusCode: number;
    headers: Record<string, unknown>;
    cookies: { name: string }[];
  }) => {
    assert.equal(res.statusCode, 303);
    assert.ok(!res.cookies.some((c) => c.name === 'conclave_session'), 'no session');
    return new URL(String(res.headers.location), PUBLIC_URL).searchParams.get('sso_error');
  };
  const configure = (body: Record<string, unknown>) =>
    ada.request('PUT', '/api/sso', { protocol: 'saml', ...body });

  test('IAM-SSO-SAML: this site publishes its service-provider metadata, asking for signed assertions', async () => {
    const res = await new TestClient(t.app).get('/api/auth/sso/saml/metadata');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/samlmetadata\+xml/);
    assert.match(res.body, new RegExp(`entityID="${SP.entityId}"`));
    assert.match(res.body, /WantAssertionsSigned="true"/);
    assert.match(
      res.body,
      new RegExp(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${SP.acsUrl}"`),
    );
  });

  test('IAM-SSO-SAML: a Superuser or Administrator configures the provider by metadata, or by entity id, address and certificate; bad input is refused with its field', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await configure(body);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json<{ field?: string }>().field, field, res.body);
    };
    await bad({ metadataXml: '<not xml' }, 'metadataXml');
    await bad(
      { metadataXml: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>' },
      'metadataXml',
    );
    await bad(
      { metadataXml: idp.metadataXml().replace(/X509Certificate>[^<]+</g, 'X509Certificate>AAAA<') },
      'metadataXml',
    );
    await bad(
      { entityId: idp.entityId, ssoUrl: idp.ssoUrl, certificate: 'not a certificate' },
      'certificate',
    );
    await bad(
      { entityId: idp.entityId, ssoUrl: 'http://idp.example.test/sso', certificate: idp.certificatePem },
      'ssoUrl',
    );
    await bad({ entityId: idp.entityId }, 'metadataXml');
    await bad({ entityId: idp.entityId, ssoUrl: idp.ssoUrl }, 'certificate');
    assert.equal((await new TestClient(t.app).get('/api/auth/sso')).json<SsoStatus>().protocol, null);

    const byCertificate = await configure({
      entityId: idp.entityId,
      ssoUrl: idp.ssoUrl,
      certificate: idp.certificatePem.replace(/-----[A-Z ]+-----|\s/g, ''),
    });
    assert.equal(byCertificate.statusCode, 200, byCertificate.body);
    const set = await configure({ metadataXml: idp.metadataXml() });
    assert.equal(set.statusCode, 200, set.body);
    const view = (await ada.get('/api/sso')).json<SsoConfigView>();
    assert.deepEqual(view.saml, {
      entityId: idp.entityId,
      ssoUrl: idp.ssoUrl,
      certificates: [
        {
          subject: 'CN=Test SAML IdP',
          notAfter: new Date(new X509Certificate(idp.certificatePem).validTo).toISOString(),
          sha256: new X509Certificate(idp.certificatePem).fingerprint256,
        },
      ],
      allowIdpInitiated: true,
    });
    assert.deepEqual(view.serviceProvider, {
      oidcRedirectUri: `${PUBLIC_URL}/api/auth/sso/oidc/callback`,
      samlEntityId: SP.entityId,
      samlAcsUrl: SP.acsUrl,
      samlMetadataUrl: SP.entityId,
    });
    assert.deepEqual((await new TestClient(t.app).get('/api/auth/sso')).json<SsoStatus>(), {
      protocol: 'saml',
      ssoOnly: false,
    });
    const log = (await ada.get('/api/audit?action=sso.changed')).json<AuditPageView>();
    assert.equal(log.events.length, 2, 'both changes are in the audit log');

    const [carol] = await signedInUsers(t, database, organisationId, ['Carol']);
    assert.equal((await carol.request('PUT', '/api/sso', { protocol: null })).statusCode, 403);
  });

  test('IAM-SSO-SAML: SP-initiated — someone new signs in at the provider, gets an account (role User) and lands where they were going', async () => {
    idp.person = { email: 'Alice@ACME.test', displayName: 'Alice Example' };
    const { res, browser } = await post(await spInitiated('/directory'));
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/directory');
    const session = (await browser.get('/api/auth/session')).json<SessionView>();
    assert.deepEqual(
      [session.user.email, session.user.displayName, session.user.role, session.organisation.id],
      ['alice@acme.test', 'Alice Example', 'user', organisationId],
    );
    const again = await post(await spInitiated('/'));
    assert.equal((await again.browser.get('/api/auth/session')).json<SessionView>().user.id, session.user.id);
    const created = (await ada.get('/api/audit?action=user.created')).json<AuditPageView>().events;
    assert.deepEqual(
      created.filter((e) => e.target.name.includes('alice')).map((e) => [e.actor.name, e.details.via]),
      [['Single sign-on', 'saml']],
    );
  });

  test('IAM-SSO-SAML: IdP-initiated — a sign-in started at the provider is accepted, its RelayState kept to this site; refused once turned off', async () => {
    idp.person = { email: 'bea@acme.test', displayName: 'Bea' };
    const { res, browser } = await post(await idp.response(SP, null), '/meetings');
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/meetings');
    assert.equal((await browser.get('/api/auth/session')).json<SessionView>().user.email, 'bea@acme.test');
    const elsewhere = await post(await idp.response(SP, null), 'https://evil.example/');
    assert.equal(elsewhere.res.headers.location, '/', 'never to another site');

    await configure({ metadataXml: idp.metadataXml(), allowIdpInitiated: false });
    assert.equal(refused((await post(await idp.response(SP, null))).res), 'sso_failed');
    assert.equal((await post(await spInitiated())).res.statusCode, 303, 'SP-initiated still works');
    await configure({ metadataXml: idp.metadataXml() });
  });

  test('IAM-SSO-SAML: a tampered, replayed, unsigned or foreign-signed response, a wrong audience, recipient or issuer, an expired assertion and an unknown request are all refused', async () => {
    idp.person = { email: 'alice@acme.test', displayName: 'Alice Example' };
    const decode = (r: string) => Buffer.from(r, 'base64').toString('utf8');
    const encode = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

    const tampered = await spInitiated('/', { tampered: true });
    assert.match(decode(tampered), /mallory@acme\.test/);
    assert.equal(refused((await post(tampered)).res), 'sso_failed', 'tampered');

    const once = await idp.response(SP, null);
    assert.equal((await post(once)).res.headers.location, '/');
    assert.equal(refused((await post(once)).res), 'sso_failed', 'replayed (IdP-initiated)');
    const answered = await spInitiated();
    assert.equal((await post(answered)).res.statusCode, 303);
    assert.equal(refused((await post(answered)).res), 'sso_failed', 'replayed (SP-initiated)');
    const twice = await idp.response(SP, null);
    const [first, second] = await Promise.all([post(twice), post(twice)]);
    assert.deepEqual(
      [first.res, second.res].map((r) => r.cookies.some((c) => c.name === 'conclave_session')).sort(),
      [false, true],
      'posted twice at once: one sign-in',
    );

    const unsigned = encode(
      decode(await spInitiated()).replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, ''),
    );
    assert.equal(refused((await post(unsigned)).res), 'sso_failed', 'unsigned');
    const impostor = new TestSamlIdp(idp.entityId, idp.ssoUrl);
    assert.equal(refused((await post(await impostor.response(SP, null))).res), 'sso_failed', 'another key');
    const wrapped = decode(await idp.response(SP, null));
    const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(wrapped)![0];
    const evil = assertion
      .replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')
      .replace(/alice@/g, 'mallory@');
    assert.equal(
      refused((await post(encode(wrapped.replace(assertion, evil + assertion)))).res),
      'sso_failed',
      'a forged assertion beside the signed one',
    );

    const faulty = async (faults: ResponseFaults) =>
      refused((await post(await spInitiated('/', faults))).res);
    assert.equal(await faulty({ audience: 'https://other.example/sp' }), 'sso_failed', 'audience');
    assert.equal(await faulty({ recipient: 'https://other.example/acs' }), 'sso_failed', 'recipient');
    assert.equal(await faulty({ issuer: 'https://other.example/idp' }), 'sso_failed', 'issuer');
    assert.equal(await faulty({ expiresInMinutes: -2 }), 'sso_failed', 'expired');
    assert.equal(
      refused((await post(await idp.response(SP, '_never-asked'))).res),
      'sso_failed',
      'an answer to a request never made',
    );
    assert.equal(refused((await post('')).res), 'sso_failed', 'nothing posted');
    const bomb = encode(
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
        decode(await idp.response(SP, null)).replace(/^<\?xml[^>]*>/, ''),
    );
    assert.equal(refused((await post(bomb)).res), 'sso_failed', 'a document type declaration');

    const log = t.logs.join('\n');
    assert.match(log, /audience mismatch/, 'the reason is logged for the administrator');
    assert.match(log, /another recipient/);
    assert.match(log, /declares a document type/);
    assert.ok(!log.includes(tampered.slice(0, 200)), 'no response in the log');
  });

  test('IAM-SSO-SAML, IAM-ADMIN-PROTECT, IAM-DOMAINS, IAM-REVOKE: the Administrator’s address, a domain not allowed and a revoked account get no session', async () => {
    idp.person = { email: 'ada@acme.test', displayName: 'Ada?' };
    assert.equal(refused((await post(await idp.response(SP, null))).res), 'sso_failed');

    await ada.patch('/api/settings', { domains: { allowed: ['acme.test'] } });
    idp.person = { email: 'eve@elsewhere.test', displayName: 'Eve' };
    assert.equal(refused((await post(await idp.response(SP, null))).res), 'domain_not_allowed');
    await ada.patch('/api/settings', { domains: { allowed: [] } });

    const [dan] = await signedInUsers(t, database, organisationId, ['Dan']);
    const dansId = (await dan.get('/api/auth/session')).json<SessionView>().user.id;
    assert.equal((await ada.post(`/api/users/${dansId}/revoke`, {})).statusCode, 200);
    idp.person = { email: 'dan@acme.test', displayName: 'Dan' };
    assert.equal(refused((await post(await idp.response(SP, null))).res), 'access_revoked');
  });

  test('IAM-SSO-SAML: "SSO only" refuses passwords, except the Administrator’s; a name breaking the text rule gives way to the address', async () => {
    await signedInUsers(t, database, organisationId, ['Erin']);
    assert.equal((await configure({ metadataXml: idp.metadataXml(), ssoOnly: true })).statusCode, 200);
    const refusedPassword = await new TestClient(t.app).signIn('erin@acme.test', 'Erin long password');
    assert.equal(refusedPassword.json<{ code: string }>().code, 'sso_only');
    assert.equal(
      (await new TestClient(t.app).signIn('ada@acme.test', 'correct horse battery staple')).statusCode,
      200,
    );

    idp.person = { email: 'frank@acme.test', displayName: 'Frank\u202Eknarf' };
    const { browser } = await post(await idp.response(SP, null));
    assert.equal((await browser.get('/api/auth/session')).json<SessionView>().user.displayName, 'frank');
    await configure({ metadataXml: idp.metadataXml() });
  });

  test('IAM-SSO-SAML: answers posted from one address are counted before they are checked, so a stranger cannot make the server verify signatures without end', async () => {
    const stranger = new TestClient(t.app, '10.0.0.19');
    const codes: (string | null)[] = [];
    for (let i = 0; i < 121; i++) codes.push(refused((await post('PHNhbWw+', undefined, stranger)).res));
    assert.deepEqual([...new Set(codes.slice(0, 120))], ['sso_failed']);
    assert.equal(codes[120], 'rate_limited');
    idp.person = { email: 'alice@acme.test', displayName: 'Alice Example' };
    const elsewhere = await post(await idp.response(SP, null), undefined, new TestClient(t.app, '10.0.0.20'));
    assert.equal(elsewhere.res.statusCode, 303);
    assert.equal(elsewhere.res.headers.location, '/', 'another address is not held up');
  });
});
