import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { CreatedInvitationView, InvitationListView, SessionView } from '@conclave/protocol';
import { ADMIN, setUp, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { TestSmtp } from './support/smtp';
import { makeTestTls, type TestTls } from './support/tls';

const PASSWORD = 'my own long password';

describeEachDatabase('IAM-ROLES: invitations by email', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let tls: TestTls;
  let smtp: TestSmtp;
  let ada: TestClient;

  before(async () => {
    tls = makeTestTls();
    smtp = await TestSmtp.start(tls);
    database = await createTestDatabase(kind);
    t = await startTestApp(database, { mail: { url: smtp.url, ca: readFileSync(tls.caFile, 'utf8') } });
    ada = (await setUp(t)).client;
  });
  after(async () => {
    await t?.close();
    await database?.close();
    await smtp?.stop();
    tls?.remove();
  });

  test('IAM-ROLES: with outgoing mail, the link can also go to the person by email, from whom and to what; the mailed link works once', async () => {
    assert.equal((await ada.get('/api/users/invitations')).json<InvitationListView>().canEmail, true);
    const quiet = await ada.post('/api/users/invitations', { email: 'quiet@acme.test' });
    assert.equal(quiet.json<CreatedInvitationView>().emailed, false, 'only when asked');
    const res = await ada.post('/api/users/invitations', {
      email: 'zoe@acme.test',
      role: 'superuser',
      sendEmail: true,
    });
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json<CreatedInvitationView>();
    assert.equal(created.emailed, true);

    const mail = await smtp.next('zoe@acme.test');
    assert.equal(mail.overTls, true);
    assert.equal(mail.subject, `${ADMIN.displayName} invited you to ${ADMIN.organisationName}`);
    assert.match(mail.text, /as a Superuser\./);
    assert.ok(mail.text.includes(created.link), 'the mail holds the link');
    const token = new URL(created.link).hash.replace(/^#token=/, '');
    const accepted = await new TestClient(t.app).post('/api/invitations/accept', {
      token,
      displayName: 'Zoe',
      password: PASSWORD,
    });
    assert.equal(accepted.statusCode, 201, accepted.body);
    assert.equal(accepted.json<SessionView>().user.role, 'superuser');
    const again = await new TestClient(t.app).post('/api/invitations/lookup', { token });
    assert.equal(again.statusCode, 404, 'the mailed link is dead once used');
    assert.deepEqual(
      smtp.received.map((m) => m.to),
      [],
      'nothing went to the address not asked for',
    );
    assert.ok(!t.logs.join('\n').includes(token), 'the link is never logged');
  });
});
