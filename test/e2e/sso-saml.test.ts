// IAM-SSO-SAML in a real browser against two real identity providers: samlify signing in-process
// (also answering wrongly on purpose: each wrong answer must end on the sign-in page with no session),
// and Debian's SimpleSAMLphp under PHP's built-in server, whose login form the browser fills in.
// Both SP-initiated (the sign-in page's button) and IdP-initiated (the provider's own link).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { SessionView } from '@conclave/protocol';
import { TestSamlIdp } from '../../packages/server/test/support/saml-idp';
import { completeSetup, configureSso, signIn } from './support/app';
import { TestBrowser } from './support/browser';
import { TestServer } from './support/server';
import { startSimpleSamlIdp, type SimpleSamlIdp } from './support/simplesamlphp';

describe('IAM-SSO-SAML: single sign-on in the web app', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let samlify: TestSamlIdp & { startUrl: string };
  let simpleSaml: SimpleSamlIdp;
  let sp: { entityId: string; acsUrl: string };
  let admin: BrowserContext;

  before(async () => {
    server = await TestServer.start({ waitForMedia: false });
    browser = await TestBrowser.launch();
    await completeSetup(server);
    sp = {
      entityId: `${server.url}/api/auth/sso/saml/metadata`,
      acsUrl: `${server.url}/api/auth/sso/saml/acs`,
    };
    samlify = await TestSamlIdp.listen(sp);
    simpleSaml = await startSimpleSamlIdp({
      sp,
      users: [
        {
          username: 'sam',
          password: 'sam’s long password',
          email: 'sam@example.test',
          displayName: 'Sam Simple',
        },
      ],
    });
    admin = (await browser.newParticipant('Ada', { distinctCamera: false })).context;
    await signIn(admin, server);
  });
  after(async () => {
    await simpleSaml?.stop();
    await samlify?.stop();
    await browser?.close();
    await server?.stop();
  });

  const whoIs = async (context: BrowserContext) => {
    const res = await context.request.get(`${server.url}/api/auth/session`);
    if (res.status() !== 200) return null;
    const { user } = (await res.json()) as SessionView;
    return [user.email, user.displayName, user.role];
  };
  const clickSignInWithSso = async (page: Page) => {
    await page.goto(`${server.url}/sign-in?next=/directory`);
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
  };
  const landsInApp = async (page: Page) => {
    await page.waitForURL(`${server.url}/directory`, { timeout: 20_000 });
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 10_000 });
  };

  test('IAM-SSO-SAML: the Administrator pastes the provider’s metadata in Settings; someone new signs in with the sign-in page’s button (SP-initiated) and lands in the app as a User', async () => {
    const page = await admin.newPage();
    await page.goto(`${server.url}/admin/settings`);
    const card = page.getByRole('region', { name: 'Single sign-on' });
    await card.getByText(sp.acsUrl).waitFor({ timeout: 10_000 });
    await card.getByLabel('Identity provider metadata (XML)').fill(samlify.metadataXml());
    await card.getByRole('button', { name: 'Save single sign-on' }).click();
    await card.getByText('Saved.').waitFor({ timeout: 10_000 });
    await card
      .getByRole('list', { name: 'Stored signing certificates' })
      .getByText('CN=Test SAML IdP')
      .waitFor();
    assert.equal(await card.getByLabel('Identity provider entity ID').inputValue(), samlify.entityId);
    await page.close();

    samlify.person = { email: 'zoe@example.test', displayName: 'Zoe Zed' };
    const { page: zoe, context } = await browser.newParticipant('Zoe', { distinctCamera: false });
    await clickSignInWithSso(zoe);
    await landsInApp(zoe);
    await zoe.getByText('Zoe Zed').first().waitFor({ timeout: 10_000 });
    assert.deepEqual(await whoIs(context), ['zoe@example.test', 'Zoe Zed', 'user']);
  });

  test('IAM-SSO-SAML: a sign-in started at the provider (IdP-initiated) lands where its RelayState says', async () => {
    samlify.person = { email: 'yan@example.test', displayName: 'Yan Why' };
    const { page, context } = await browser.newParticipant('Yan', { distinctCamera: false });
    await page.goto(`${samlify.startUrl}?RelayState=${encodeURIComponent('/directory')}`);
    await landsInApp(page);
    assert.deepEqual(await whoIs(context), ['yan@example.test', 'Yan Why', 'user']);
  });

  test('IAM-SSO-SAML: a tampered response, a replayed response, a wrong audience and an expired assertion each end on the sign-in page with no session', async () => {
    samlify.person = { email: 'xia@example.test', displayName: 'Xia' };
    const first = await browser.newParticipant('Xia', { distinctCamera: false });
    await clickSignInWithSso(first.page);
    await landsInApp(first.page);

    const cases = {
      replayed: { replay: true },
      tampered: { tampered: true },
      'wrong audience': { audience: 'https://elsewhere.example/sp' },
      expired: { expiresInMinutes: -5 },
    };
    for (const [name, faults] of Object.entries(cases)) {
      samlify.faults = faults;
      const { page, context } = await browser.newParticipant(`Mallory ${name}`, { distinctCamera: false });
      await clickSignInWithSso(page);
      await page.waitForURL(/\/sign-in\?sso_error=sso_failed$/, { timeout: 20_000 });
      await page.getByText('Single sign-on did not complete. Try again.').waitFor({ timeout: 10_000 });
      assert.equal(await whoIs(context), null, `${name}: no session`);
    }
    samlify.faults = {};
    const log = server.logLines().join('\n');
    for (const reason of ['already answered', 'Invalid signature', 'audience mismatch', 'expired'])
      assert.match(log, new RegExp(reason), `the log says why: ${reason}`);
  });

  test('IAM-SSO-SAML: with SimpleSAMLphp as the provider, a person signs in at its login form, SP-initiated and IdP-initiated', async () => {
    await configureSso(admin, server, { protocol: 'saml', metadataXml: simpleSaml.metadataXml });

    const { page, context } = await browser.newParticipant('Sam', { distinctCamera: false });
    await clickSignInWithSso(page);
    await page.waitForURL((url) => url.origin === new URL(simpleSaml.ssoUrl).origin, { timeout: 20_000 });
    await page.locator('#username').fill('sam');
    await page.locator('#password').fill('sam’s long password');
    await page.locator('#password').press('Enter');
    await landsInApp(page);
    assert.deepEqual(await whoIs(context), ['sam@example.test', 'Sam Simple', 'user']);

    const again = await browser.newParticipant('Sam again', { distinctCamera: false });
    await again.page.goto(simpleSaml.idpInitiatedUrl('/directory'));
    await again.page.locator('#username').fill('sam');
    await again.page.locator('#password').fill('sam’s long password');
    await again.page.locator('#password').press('Enter');
    await landsInApp(again.page);
    assert.deepEqual(await whoIs(again.context), ['sam@example.test', 'Sam Simple', 'user']);
  });
});
