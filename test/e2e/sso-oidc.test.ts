// IAM-SSO-OIDC in a real browser: the organisation's OpenID Connect provider (oidc-provider, over HTTPS
// with a throwaway certificate authority the server trusts through NODE_EXTRA_CA_CERTS) signs someone
// new in from the sign-in page, and they land in the app with an account. The browser is told to
// accept the provider's certificate (ignoreHTTPSErrors, for the provider's pages only): what is under
// test is the server's checks, which use the real CA.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SessionView } from '@conclave/protocol';
import { TestIdp } from '../../packages/server/test/support/oidc-idp';
import { completeSetup, configureSso, signIn } from './support/app';
import { TestBrowser } from './support/browser';
import { TestServer } from './support/server';
import { makeTestTls, type TestTls } from '../../packages/server/test/support/tls';

describe('IAM-SSO-OIDC: single sign-on in the web app', () => {
  let tls: TestTls;
  let server: TestServer;
  let browser: TestBrowser;
  let idp: TestIdp;

  before(async () => {
    tls = makeTestTls();
    server = await TestServer.start({ env: { NODE_EXTRA_CA_CERTS: tls.caFile }, waitForMedia: false });
    browser = await TestBrowser.launch();
    await completeSetup(server);
    idp = await TestIdp.start(`${server.url}/api/auth/sso/oidc/callback`, tls);
  });
  after(async () => {
    await idp?.stop();
    await browser?.close();
    await server?.stop();
    tls?.remove();
  });

  test('IAM-SSO-OIDC: someone new clicks "Sign in with single sign-on", signs in at the provider and lands in the app as a User of the organisation', async () => {
    const admin = await browser.newParticipant('Ada', { distinctCamera: false });
    await signIn(admin.context, server);
    await configureSso(admin.context, server, {
      protocol: 'oidc',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
    });

    idp.person = { sub: 'zoe', email: 'zoe@example.test', name: 'Zoe Zed' };
    const { page, context } = await browser.newParticipant('Zoe', {
      distinctCamera: false,
      ignoreHttpsErrors: true,
    });
    await page.goto(`${server.url}/sign-in?next=/directory`);
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    await page.waitForURL(`${server.url}/directory`, { timeout: 20_000 });
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 10_000 });
    await page.getByText('Zoe Zed').first().waitFor({ timeout: 10_000 });
    const session = (await (
      await context.request.get(`${server.url}/api/auth/session`)
    ).json()) as SessionView;
    assert.deepEqual([session.user.email, session.user.role], ['zoe@example.test', 'user']);
  });
});
