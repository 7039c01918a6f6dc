import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type {
  AuditPageView,
  CreatedWebhookView,
  MeetingView,
  WebhookDeliveryListView,
  WebhookListView,
  WebhookPayload,
  WebhookSecretView,
} from '@conclave/protocol';
import { ManualClock } from '../src/common/clock';
import type { Attendance } from '../src/domain';
import type { HostLookup } from '../src/webhooks';
import { setUp, signedInUsers, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { WebhookReceiver, type ReceivedWebhook } from './support/webhook-receiver';

const ALL_EVENTS = [
  'meeting.started',
  'meeting.ended',
  'participant.joined',
  'participant.left',
  'recording.ready',
];
/** How long a claim holds a delivery in these tests' nodes. */
const LEASE_MS = 120_000;

/** A delivery as the receiver's own code would read it: verified with the standardwebhooks package. */
function verified(secret: string, r: ReceivedWebhook): WebhookPayload {
  const headers: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    const value = r.headers[name];
    assert.equal(typeof value, 'string', `${name} is sent`);
    headers[name] = value as string;
  }
  return new Webhook(secret).verify(r.body, headers) as WebhookPayload;
}

/**
 * API-WEBHOOKS (issue 18): endpoints registered in the administration are told of meetings started
 * and ended, participants joining and leaving and recordings ready, by deliveries signed as Standard
 * Webhooks sign them, from a durable queue: retried with backoff, sent once across nodes and
 * restarts, and never to a private address unless the Administrator allowed it.
 */
describeEachDatabase('API-WEBHOOKS: webhook endpoints and deliveries', (kind) => {
  let database: TestDatabase;
  let receiver: WebhookReceiver;
  let clock: ManualClock;
  const apps: TestApp[] = [];
  let organisationId: string;
  let ada: TestClient;
  /** Names this test resolves itself; anything else goes to the system's resolver. */
  const names = new Map<string, string>();
  const lookup: HostLookup = async (hostname) => {
    const address = names.get(hostname);
    if (address === undefined) throw new Error(`${hostname} does not resolve`);
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };

  /** A node of the installation over the test's database; its worker works only when told to. */
  const node = async (batch = 10): Promise<TestApp> => {
    const app = await startTestApp(database, {
      clock,
      webhooks: { lookup, worker: { everyMs: 0, leaseMs: LEASE_MS, timeoutMs: 5_000, batch } },
    });
    apps.push(app);
    return app;
  };

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    receiver = await WebhookReceiver.start();
    // Real time: the receiver's library refuses a timestamp more than five minutes off its own clock.
    clock = new ManualClock(new Date());
    names.clear();
    const first = await node();
    const setup = await setUp(first);
    ada = setup.client;
    organisationId = setup.session.organisation.id;
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await receiver.close();
    await database.close();
  });

  /** Ada's browser, now talking to another node (her session is in the shared database). */
  const adaOn = (app: TestApp) => {
    const moved = new TestClient(app.app);
    moved.cookie = ada.cookie;
    moved.csrfToken = ada.csrfToken;
    ada = moved;
  };

  const allowPrivateTargets = async (allow: boolean) => {
    const res = await ada.put('/api/webhooks/settings', { allowPrivateTargets: allow });
    assert.equal(res.statusCode, 200, res.body);
  };

  const register = async (events: string[] = ALL_EVENTS, url = receiver.url): Promise<CreatedWebhookView> => {
    const res = await ada.post('/api/webhooks', { url, description: 'Our intranet', events });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<CreatedWebhookView>();
  };

  const meeting = async (name = 'Weekly review'): Promise<MeetingView> =>
    (await ada.post('/api/meetings', { name })).json<MeetingView>();

  let n = 0;
  /** Someone joins the meeting, as its room tells the call ledger. */
  const join = async (app: TestApp, meetingId: string, subject: string): Promise<Attendance> => {
    const attendance: Attendance = {
      participantId: `participant-${++n}`,
      meetingId,
      organisationId,
      subject,
      joinedAt: clock.now().toISOString(),
      mediaServer: 'janus-1',
      region: 'eu',
    };
    app.services.callLedger.joined(attendance);
    await app.services.callLedger.settled();
    return attendance;
  };

  const deliveries = async (endpointId: string) =>
    (await ada.get(`/api/webhooks/${endpointId}/deliveries`)).json<WebhookDeliveryListView>().deliveries;

  test('API-WEBHOOKS: each event reaches the endpoints that want it, signed so that standardwebhooks verifies it, with ids and names only', async () => {
    const [app] = apps as [TestApp];
    await allowPrivateTargets(true);
    const everything = await register();
    assert.match(everything.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const endsOnly = await register(['meeting.ended']);
    const review = await meeting();
    const passcode = await ada.request('PUT', `/api/meetings/${review.id}/passcode`, { passcode: '864209' });
    assert.equal(passcode.statusCode, 200, passcode.body);

    const adaId = (await ada.get('/api/auth/session')).json<{ user: { id: string } }>().user.id;
    const attendance = await join(app, review.id, `u:${adaId}`);
    clock.advance(60_000);
    app.services.callLedger.left(attendance.participantId, clock.now());
    app.services.callLedger.ended(review.id, clock.now());
    await app.services.callLedger.settled();
    const recordingId = 'f0000000-0000-7000-8000-000000000001';
    await app.services.recordings.add({
      id: recordingId,
      organisationId,
      meetingId: review.id,
      meetingName: review.name,
      ownerId: adaId,
      startedById: adaId,
      startedByName: 'Ada Admin',
      startedAt: attendance.joinedAt,
      endedAt: null,
      status: 'recording',
      size: 0,
      store: 'local',
      visibility: 'owner',
      linkHash: null,
    });
    await app.services.recordings.end(recordingId, 'ready', clock.now().toISOString(), 4096);
    await app.services.webhookWorker.work();

    assert.equal(receiver.received.length, 6, 'five events to one endpoint, one to the other');
    const bySecret = (secret: string) =>
      receiver.received.flatMap((r) => {
        try {
          return [verified(secret, r)];
        } catch {
          return [];
        }
      });
    const told = bySecret(everything.secret);
    assert.deepEqual(told.map((p) => p.type).sort(), [...ALL_EVENTS].sort());
    assert.deepEqual(
      bySecret(endsOnly.secret).map((p) => p.type),
      ['meeting.ended'],
      'the other endpoint verifies only with its own secret, and only its event',
    );
    const of = (type: string) => told.find((p) => p.type === type)?.data;
    assert.deepEqual(of('participant.joined'), {
      meeting: { id: review.id, name: 'Weekly review' },
      participant: { id: attendance.participantId, kind: 'user', userId: adaId, name: 'Ada Admin' },
      joinedAt: attendance.joinedAt,
    });
    assert.deepEqual(of('meeting.ended'), {
      meeting: { id: review.id, name: 'Weekly review' },
      startedAt: attendance.joinedAt,
      endedAt: clock.now().toISOString(),
    });
    assert.deepEqual(of('recording.ready'), {
      meeting: { id: review.id, name: 'Weekly review' },
      recording: {
        id: recordingId,
        startedAt: attendance.joinedAt,
        endedAt: clock.now().toISOString(),
        size: 4096,
        startedBy: { id: adaId, name: 'Ada Admin' },
      },
    });
    for (const r of receiver.received) {
      assert.doesNotMatch(r.body, /864209|passcode|token|secret|whsec_|key/i, 'nothing secret in a payload');
      assert.equal(r.headers['content-type'], 'application/json');
    }

    // The console shows each endpoint's last delivery, and its latest deliveries.
    const list = (await ada.get('/api/webhooks')).json<WebhookListView>();
    const shown = list.endpoints.find((e) => e.id === everything.id);
    assert.equal(shown?.lastDelivery?.status, 'delivered');
    assert.equal(shown?.lastDelivery?.responseStatus, 204);
    assert.equal(JSON.stringify(list).includes(everything.secret), false, 'the secret is shown only once');
    const listed = await deliveries(everything.id);
    assert.equal(listed.length, 5);
    assert.ok(listed.every((d) => d.status === 'delivered' && d.attempts === 1 && d.error === null));

    // Nothing more is sent: each was delivered once.
    clock.advance(24 * 3_600_000);
    await app.services.webhookWorker.work();
    assert.equal(receiver.received.length, 6);
  });

  test('API-WEBHOOKS: a delivery the receiver fails twice (500) is retried after 5 s and 30 s, and the third attempt arrives', async () => {
    const [app] = apps as [TestApp];
    await allowPrivateTargets(true);
    const endpoint = await register(['meeting.started']);
    receiver.failWith.push(500, 500);
    await join(app, (await meeting()).id, 'u:someone');

    await app.services.webhookWorker.work();
    assert.equal(receiver.received.length, 1);
    let [delivery] = await deliveries(endpoint.id);
    assert.equal(delivery?.status, 'pending');
    assert.equal(delivery?.responseStatus, 500);
    assert.equal(delivery?.nextAttemptAt, new Date(clock.now().getTime() + 5_000).toISOString());

    clock.advance(4_999);
    await app.services.webhookWorker.work();
    assert.equal(receiver.received.length, 1, 'not before its time');
    clock.advance(1);
    await app.services.webhookWorker.work();
    assert.equal(receiver.received.length, 2);

    clock.advance(29_999);
    await app.services.webhookWorker.work();
    assert.equal(receiver.received.length, 2, 'the second retry waits 30 s');
    clock.advance(1);
    await app.services.webhookWorker.work();
    assert.equal(receiver.received.length, 3);
    assert.equal(receiver.accepted.length, 1);

    // The same message each time: one webhook-id, so a receiver can tell a retry from a new event.
    assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1);
    assert.equal(verified(endpoint.secret, receiver.received[2]!).type, 'meeting.started');
    [delivery] = await deliveries(endpoint.id);
    assert.equal(delivery?.status, 'delivered');
    assert.equal(delivery?.attempts, 3);
    assert.equal(delivery?.responseStatus, 204);
  });

  test('API-WEBHOOKS: a node stopped after claiming a delivery leaves it to a new node on the same database, which sends it once after the lease', async () => {
    const [first] = apps as [TestApp];
    await allowPrivateTargets(true);
    const endpoint = await register(['meeting.started']);
    await join(first, (await meeting()).id, 'u:someone');

    // The first node takes the delivery, and stops before sending it.
    assert.equal((await first.services.webhookWorker.claim()).length, 1);
    await first.close();
    apps.splice(apps.indexOf(first), 1);

    const second = await node();
    adaOn(second);
    await second.services.webhookWorker.work();
    assert.equal(receiver.received.length, 0, 'the lease still holds it');
    clock.advance(LEASE_MS);
    await second.services.webhookWorker.work();
    assert.equal(receiver.received.length, 1);
    assert.equal(verified(endpoint.secret, receiver.received[0]!).type, 'meeting.started');

    clock.advance(24 * 3_600_000);
    await second.services.webhookWorker.work();
    assert.equal(receiver.received.length, 1, 'sent exactly once');
    const [delivery] = await deliveries(endpoint.id);
    assert.equal(delivery?.status, 'delivered');
    assert.equal(delivery?.attempts, 1);
  });

  test('API-WEBHOOKS: two nodes working the same queue send each delivery once', async () => {
    for (const app of apps.splice(0)) await app.close();
    const [one, two] = [await node(2), await node(2)];
    adaOn(one);
    await allowPrivateTargets(true);
    const endpoint = await register(['participant.joined']);
    const meetingId = (await meeting()).id;
    for (let i = 0; i < 9; i++) await join(i % 2 ? one : two, meetingId, `g:guest-${i}`);

    for (let round = 0; round < 6; round++) {
      await Promise.all([one.services.webhookWorker.work(), two.services.webhookWorker.work()]);
    }
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    assert.equal(ids.length, 9);
    assert.equal(new Set(ids).size, 9, 'no delivery was sent twice');
    for (const r of receiver.received) assert.equal(verified(endpoint.secret, r).type, 'participant.joined');
    assert.ok((await deliveries(endpoint.id)).every((d) => d.status === 'delivered' && d.attempts === 1));
  });

  test('API-WEBHOOKS: an endpoint on a private, loopback or link-local address is refused unless private targets are allowed', async () => {
    names.set('intranet.acme.test', '10.20.30.40');
    names.set('mapped.acme.test', '::ffff:127.0.0.1');
    for (const url of [
      'https://127.0.0.1/hooks',
      'https://10.1.2.3/hooks',
      'https://172.16.0.9/hooks',
      'https://192.168.1.1/hooks',
      'https://100.64.0.1/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hooks',
      'https://[::ffff:127.0.0.1]/hooks',
      'https://[fd12:3456::1]/hooks',
      'https://[fe80::1]/hooks',
      'https://localhost/hooks',
      'https://intranet.acme.test/hooks',
      'https://mapped.acme.test/hooks',
      receiver.url,
      'http://93.184.215.14/hooks',
      'ftp://93.184.215.14/hooks',
    ]) {
      const res = await ada.post('/api/webhooks', { url, events: ['meeting.started'] });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json<{ code: string }>().code, 'webhook_url_refused', url);
      assert.equal(res.json<{ field: string }>().field, 'url');
    }
    assert.deepEqual((await ada.get('/api/webhooks')).json<WebhookListView>().endpoints, []);

    // A public address is taken; allowed, private ones are too.
    await register(['meeting.started'], 'https://93.184.215.14/hooks');
    await allowPrivateTargets(true);
    await register(['meeting.started'], 'https://intranet.acme.test/hooks');
  });

  test('API-WEBHOOKS: at delivery time the host is resolved and checked again, and the connection goes to the address checked', async () => {
    const [app] = apps as [TestApp];
    const port = new URL(receiver.url).port;
    names.set('hooks.partner.test', '93.184.215.14');
    const endpoint = await register(['meeting.started'], `https://hooks.partner.test:${port}/hooks/conclave`);

    // Its name now leads to the loopback address: nothing is sent there.
    names.set('hooks.partner.test', '127.0.0.1');
    await join(app, (await meeting()).id, 'u:someone');
    await app.services.webhookWorker.work();
    assert.equal(receiver.received.length, 0);
    const [refused] = await deliveries(endpoint.id);
    assert.equal(refused?.status, 'pending');
    assert.match(refused?.error ?? '', /private/);

    // Private targets allowed: a plain http endpoint whose name only this test resolves is reached,
    // so the connection used the address that was checked rather than resolving the name again.
    await allowPrivateTargets(true);
    names.set('receiver.partner.test', '127.0.0.1');
    const pinned = await register(['meeting.started'], `http://receiver.partner.test:${port}/hooks/conclave`);
    await join(app, (await meeting('Another')).id, 'u:someone');
    await app.services.webhookWorker.work();
    assert.equal(receiver.received.length, 1);
    assert.equal(verified(pinned.secret, receiver.received[0]!).type, 'meeting.started');
    assert.equal(receiver.received[0]!.headers.host, `receiver.partner.test:${port}`);
  });

  test('API-WEBHOOKS: a User gets 403 for everything webhook; a Superuser manages endpoints but only the Administrator allows private targets', async () => {
    const [app] = apps as [TestApp];
    const [bob, sue] = await signedInUsers(app, database, organisationId, ['Bob', 'Sue'], {
      Sue: 'superuser',
    });
    const endpoint = await register(['meeting.started'], 'https://93.184.215.14/hooks');
    for (const res of [
      await bob.get('/api/webhooks'),
      await bob.post('/api/webhooks', { url: 'https://93.184.215.14/x', events: ['meeting.started'] }),
      await bob.patch(`/api/webhooks/${endpoint.id}`, { enabled: false }),
      await bob.post(`/api/webhooks/${endpoint.id}/secret`, {}),
      await bob.get(`/api/webhooks/${endpoint.id}/deliveries`),
      await bob.delete(`/api/webhooks/${endpoint.id}`),
      await bob.put('/api/webhooks/settings', { allowPrivateTargets: true }),
      await sue.put('/api/webhooks/settings', { allowPrivateTargets: true }),
    ]) {
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json<{ code: string }>().code, 'forbidden');
    }
    assert.equal((await sue.get('/api/webhooks')).statusCode, 200);
    const res = await sue.post('/api/webhooks', {
      url: 'https://93.184.215.14/sue',
      events: ['meeting.ended'],
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(
      (await ada.get('/api/webhooks')).json<WebhookListView>().settings.allowPrivateTargets,
      false,
    );
  });

  test('ADM-AUDIT: registering, changing, disabling, re-keying and deleting a webhook endpoint are audited, never with its secret', async () => {
    const [app] = apps as [TestApp];
    await allowPrivateTargets(true);
    const endpoint = await register(['meeting.started']);
    const renamed = await ada.patch(`/api/webhooks/${endpoint.id}`, {
      description: 'Intranet',
      enabled: false,
    });
    assert.equal(renamed.statusCode, 200, renamed.body);

    // Disabled: nothing is queued for it.
    await join(app, (await meeting()).id, 'u:someone');
    await app.services.webhookWorker.work();
    assert.equal(receiver.received.length, 0);
    assert.deepEqual(await deliveries(endpoint.id), []);

    // Re-keyed and enabled: what is sent now verifies with the new secret only.
    const rotated = await ada.post(`/api/webhooks/${endpoint.id}/secret`, {});
    assert.equal(rotated.statusCode, 200, rotated.body);
    const { secret } = rotated.json<WebhookSecretView>();
    assert.notEqual(secret, endpoint.secret);
    await ada.patch(`/api/webhooks/${endpoint.id}`, { enabled: true });
    await join(app, (await meeting('Later')).id, 'u:someone');
    await app.services.webhookWorker.work();
    assert.equal(receiver.received.length, 1);
    assert.equal(verified(secret, receiver.received[0]!).type, 'meeting.started');
    assert.throws(() => verified(endpoint.secret, receiver.received[0]!));

    assert.equal((await ada.delete(`/api/webhooks/${endpoint.id}`)).statusCode, 204);
    assert.equal((await ada.get(`/api/webhooks/${endpoint.id}/deliveries`)).statusCode, 404);

    const log = (await ada.get('/api/audit?limit=50')).json<AuditPageView>();
    const actions = log.events.map((e) => e.action).reverse();
    assert.deepEqual(
      actions.filter((a) => a.startsWith('webhook.')),
      [
        'webhook.privateTargetsChanged',
        'webhook.created',
        'webhook.updated',
        'webhook.secretRotated',
        'webhook.updated',
        'webhook.deleted',
      ],
    );
    const text = JSON.stringify(log);
    assert.equal(text.includes(endpoint.secret) || text.includes(secret) || text.includes('whsec_'), false);
    const created = log.events.find((e) => e.action === 'webhook.created');
    assert.equal(created?.target.name, receiver.url);
    assert.equal(created?.details.events, 'meeting.started');
  });
});
