import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ROOM_ONLINE_MS, type EventAlertListView } from '@conclave/protocol';
import { AlertStore, RoomPresenceAlerts } from '../src/alerts';
import { pino } from 'pino';
import { SmtpMailer } from '../src/mail';
import { setUp, signedInUsers, startTestApp, type TestApp, type TestClient } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { pairedScreen, type RoomScreen } from './support/room-screen';
import { TestSmtp } from './support/smtp';
import { makeTestTls, type TestTls } from './support/tls';

/**
 * Event alerts of room systems (ADM-ROOMS): a screen that stops checking in is offline, one that
 * checks in again is back; the organisation's Superusers and Administrator are mailed (a real SMTP
 * server) and the admin console lists it, once however many nodes compare.
 */
describeEachDatabase('ADM-ROOMS: room-system alerts', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let tls: TestTls;
  let smtp: TestSmtp;
  let ada: TestClient;
  let sam: TestClient;
  let bob: TestClient;
  let screen: RoomScreen;

  const setAlerts = async (enabled: boolean) =>
    assert.equal((await ada.patch('/api/settings', { roomAlerts: { enabled } })).statusCode, 200);
  const checkIn = async () =>
    assert.equal((await screen.request('GET', '/api/room-systems/session')).statusCode, 200);
  const alerts = async (client: TestClient) =>
    (await client.get('/api/room-systems/alerts')).json<EventAlertListView>();

  before(async () => {
    tls = makeTestTls();
    smtp = await TestSmtp.start(tls);
    database = await createTestDatabase(kind);
    t = await startTestApp(database, { mail: { url: smtp.url, ca: readFileSync(tls.caFile, 'utf8') } });
    const done = await setUp(t);
    ada = done.client;
    [sam, bob] = await signedInUsers(t, database, done.session.organisation.id, ['Sam', 'Bob'], {
      Sam: 'superuser',
    });
    ({ screen } = await pairedScreen(t.app, ada, 'Boardroom'));
  });
  after(async () => {
    await t?.close();
    await database?.close();
    await smtp?.stop();
    tls?.remove();
  });

  test('ADM-ROOMS: a room system going quiet is an alert to every Superuser and Administrator by email and in the console; coming back is one too; once each, however many nodes compare', async () => {
    await setAlerts(true);
    await checkIn();
    await t.services.roomPresence.check();
    assert.deepEqual((await alerts(ada)).alerts, [], 'just paired: noted, not alerted');

    t.clock.advance(ROOM_ONLINE_MS - 1000);
    await t.services.roomPresence.check();
    assert.deepEqual((await alerts(ada)).alerts, [], 'not yet');

    t.clock.advance(2000);
    // Two nodes compare at the same moment: one alerts.
    const otherNode = new RoomPresenceAlerts({
      store: new AlertStore(database.db),
      mailer: new SmtpMailer(
        { url: smtp.url, from: 'Conclave <noreply@conclave.test>', ca: readFileSync(tls.caFile, 'utf8') },
        pino({ level: 'silent' }),
      ),
      clock: t.clock,
      enabled: async () => true,
      publicUrl: t.config.publicUrl,
    });
    await Promise.all([t.services.roomPresence.check(), otherNode.check()]);
    const offline = await Promise.all([smtp.next('ada@acme.test'), smtp.next('sam@acme.test')]);
    for (const mail of offline) {
      assert.equal(mail.subject, 'Room system “Boardroom” is offline');
      assert.match(mail.text, /\/admin\/room-systems/);
    }
    // Both checks are over (awaited above): a second mail would be here by now.
    assert.deepEqual(
      smtp.received.filter((m) => m.subject.endsWith('is offline')),
      [],
      'one mail each, from one of the nodes',
    );
    let listed = (await alerts(sam)).alerts;
    assert.equal(listed.length, 1, JSON.stringify(listed));
    assert.equal(listed[0]!.kind, 'roomOffline');
    assert.equal(listed[0]!.roomSystem.name, 'Boardroom');
    assert.equal(listed[0]!.mailed, 2);

    await checkIn();
    await t.services.roomPresence.check();
    await t.services.roomPresence.check();
    assert.equal((await smtp.next('ada@acme.test')).subject, 'Room system “Boardroom” is back online');
    listed = (await alerts(ada)).alerts;
    assert.deepEqual(
      listed.map((a) => a.kind),
      ['roomOnline', 'roomOffline'],
    );
    assert.equal(smtp.received.filter((m) => m.to === 'bob@acme.test').length, 0, 'a User is not told');
  });

  test('ADM-ROOMS: with alerts off nobody is mailed and nothing is listed; turned on later, nothing stale is told', async () => {
    await setAlerts(false);
    const before = smtp.received.length;
    const listed = (await alerts(ada)).alerts.length;
    t.clock.advance(ROOM_ONLINE_MS + 1000);
    await t.services.roomPresence.check();
    await checkIn();
    await t.services.roomPresence.check();
    t.clock.advance(ROOM_ONLINE_MS + 1000);
    await t.services.roomPresence.check();
    await setAlerts(true);
    await t.services.roomPresence.check();
    assert.equal(smtp.received.length, before);
    assert.equal((await alerts(ada)).alerts.length, listed);
  });

  test('ADM-ROOMS: only Superusers and Administrators read alerts', async () => {
    const refused = await bob.get('/api/room-systems/alerts');
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<{ code: string }>().code, 'forbidden');
  });
});
