// IAM-LOCAL in a real browser: "Forgot your password?" on the sign-in page mails a link (to a real
// SMTP server over STARTTLS, trusted through a throwaway CA); the link sets a new password once,
// signs that browser in and every other browser of the account out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestSmtp } from '../../packages/server/test/support/smtp';
import { makeTestTls, type TestTls } from '../../packages/server/test/support/tls';
import { serverWithPerson, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import type { TestServer } from './support/server';

const BOB = { email: 'bob@example.test', displayName: 'Bob Builder', password: 'Bob’s first password' };

describe('IAM-LOCAL: resetting a forgotten password in the web app', () => {
  let tls: TestTls;
  let smtp: TestSmtp;
  let server: TestServer;
  let browser: TestBrowser;
  let close: () => Promise<void>;

  before(async () => {
    tls = makeTestTls();
    smtp = await TestSmtp.start(tls);
    ({ server, browser, close } = await serverWithPerson(BOB, {
      env: { CONCLAVE_SMTP_URL: smtp.url, NODE_EXTRA_CA_CERTS: tls.caFile },
    }));
  });
  after(async () => {
    await close?.();
    await smtp?.stop();
    tls?.remove();
  });

  test('IAM-LOCAL: Bob asks for a link on the sign-in page, chooses a new password from the mail and is signed in; his other browser is signed out; the link then no longer works', async () => {
    const elsewhere = await browser.newParticipant('Bob elsewhere', { distinctCamera: false });
    await signIn(elsewhere.context, server, { ...BOB, organisationName: '' });
    await elsewhere.page.goto(server.url);
    await elsewhere.page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 10_000 });

    const { page, context } = await browser.newParticipant('Bob', { distinctCamera: false });
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('Email').fill(BOB.email);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    assert.equal(await page.getByLabel('Email').inputValue(), BOB.email, 'the address comes along');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByText(`If ${BOB.email} has an account here`).waitFor({ timeout: 10_000 });

    const mail = await smtp.next(BOB.email);
    assert.equal(mail.overTls, true);
    const link = /(http\S+\/reset-password#token=\S+)/.exec(mail.text)?.[1] ?? '';
    assert.ok(link.startsWith(server.url), mail.text);
    await page.goto(link);
    await page.getByText(`For ${BOB.email}.`).waitFor({ timeout: 10_000 });
    await page.getByLabel('New password').fill('Bob’s second password');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 10_000 });
    const session = await context.request.get(`${server.url}/api/auth/session`);
    assert.equal(session.status(), 200);

    await elsewhere.page.reload();
    await elsewhere.page.waitForURL(`${server.url}/sign-in`, { timeout: 10_000 });

    const stranger = await browser.newParticipant('Stranger', { distinctCamera: false });
    await stranger.page.goto(link);
    await stranger.page.getByText('This link does not work any more').waitFor({ timeout: 10_000 });
    const oldPassword = await stranger.context.request.post(`${server.url}/api/auth/sign-in`, {
      data: { email: BOB.email, password: BOB.password },
    });
    assert.equal(oldPassword.status(), 401, 'the old password is gone');
  });
});
