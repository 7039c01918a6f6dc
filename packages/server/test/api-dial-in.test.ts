// Dial-in details in invitations (ADM-INVITE, INTEROP-PSTN, INTEROP-SIP) and their absence from an
// end-to-end encrypted meeting's (E2EE-LIMITS), with the SIP gateway configured with trunks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ICAL from 'ical.js';
import type { CalendarFeedCreated, MeetingInviteView, MeetingView } from '@conclave/protocol';
import { E2EE_NO_DIAL_IN } from '../src/calendar/invite-text';
import {
  addOrganisation,
  addUser,
  PUBLIC_URL,
  setUp,
  signedInClient,
  startTestApp,
  type TestApp,
  type TestClient,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { makeTestTls, type TestTls } from './support/tls';

const DAY = 24 * 3600_000;
const TRUNKS = [
  {
    name: 'carrier',
    label: 'Switzerland',
    addresses: ['192.0.2.10'],
    numbers: ['+41 44 555 00 00', '+41 22 555 00 00'],
    transport: 'udp',
  },
  { name: 'backup', addresses: ['198.51.100.0/24'], numbers: ['+44 20 7946 0999'] },
];

/** The description of each event in a calendar file, as a real parser (ical.js) reads it. */
const descriptions = (ics: string) =>
  new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v).description);

describeEachDatabase('ADM-INVITE, INTEROP-PSTN, E2EE-LIMITS: dial-in in invitations', (kind) => {
  let database: TestDatabase;
  let tls: TestTls;
  let t: TestApp;
  let ada: TestClient;
  let eve: TestClient;

  const create = async (client: TestClient, body: Record<string, unknown>) => {
    const res = await client.post('/api/meetings', body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json<MeetingView>();
  };
  const inviteOf = async (client: TestClient, meetingId: string) => {
    const res = await client.get(`/api/meetings/${meetingId}/invite`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<MeetingInviteView>();
  };
  const schedule = () => {
    const start = t.clock.now().getTime() + DAY;
    return {
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 3600_000).toISOString(),
      timeZone: 'Europe/Zurich',
    };
  };

  before(async () => {
    tls = makeTestTls();
    database = await createTestDatabase(kind);
    t = await startTestApp(database, {
      env: {
        CONCLAVE_SIP: 'embedded',
        CONCLAVE_SIP_TLS_CERT: tls.certFile,
        CONCLAVE_SIP_TLS_KEY: tls.keyFile,
        CONCLAVE_SIP_DOMAIN: 'sip.conclave.test',
        CONCLAVE_SIP_TRUNKS: JSON.stringify(TRUNKS),
      },
    });
    ada = (await setUp(t)).client;
    const res = await ada.patch('/api/settings', {
      calendar: { enabled: true },
      invites: {
        dialInNumbers: [
          // The same number as a trunk's, written differently: shown once.
          { label: 'Zürich', number: '+41445550000' },
          { label: 'Own PBX', number: '+1 212 555 0100' },
        ],
        callDetails: 'Help desk: ext. 4000',
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const globex = await addOrganisation(database, 'Globex');
    await addUser(database, globex, {
      email: 'eve@globex.test',
      password: 'Eve long password',
      displayName: 'Eve',
      role: 'administrator',
    });
    eve = await signedInClient(t, 'eve@globex.test', 'Eve long password');
    const own = await eve.patch('/api/settings', {
      invites: { dialInNumbers: [{ label: 'Globex', number: '+49 30 555 0000' }], callDetails: '' },
    });
    assert.equal(own.statusCode, 200, own.body);
  });
  after(async () => {
    await t?.close();
    await database?.close();
    tls?.remove();
  });

  test('INTEROP-PSTN: the trunks’ numbers are the invitation’s dial-in numbers, before the organisation’s own, each number once, with the SIP address video systems dial', async () => {
    const meeting = await create(ada, { name: 'Weekly', schedule: schedule() });
    const { text, ics } = await inviteOf(ada, meeting.id);
    const dialIn = text.slice(text.indexOf('Dial in'));
    assert.equal(
      dialIn,
      [
        `Dial in, then enter the meeting extension ${meeting.extension}:`,
        'Switzerland: +41 44 555 00 00',
        'Switzerland: +41 22 555 00 00',
        'Phone: +44 20 7946 0999',
        'Own PBX: +1 212 555 0100',
        '',
        `From a SIP video system: sip:${meeting.extension}@sip.conclave.test`,
        '',
        'Help desk: ext. 4000',
      ].join('\n'),
    );
    assert.ok(!text.includes('Zürich'), 'a number already shown is not shown again');
    assert.deepEqual(descriptions(ics!), [text]);
  });

  test('INTEROP-PSTN: another organisation’s invitations show only its own numbers: its meetings cannot be dialled through this gateway', async () => {
    const meeting = await create(eve, { name: 'Globex weekly' });
    const { text } = await inviteOf(eve, meeting.id);
    assert.ok(text.includes('Globex: +49 30 555 0000'), text);
    for (const absent of ['+41 44 555 00 00', '+44 20 7946 0999', 'sip:', 'Switzerland']) {
      assert.ok(!text.includes(absent), `no ${absent}:\n${text}`);
    }
  });

  test('E2EE-LIMITS: an end-to-end encrypted meeting’s invitation (text, .ics and calendar feed) has no dial-in numbers or SIP address, but says phones and SIP devices cannot join; without E2EE they come back', async () => {
    const meeting = await create(ada, { name: 'Secret board', e2ee: true, schedule: schedule() });
    assert.equal(meeting.e2ee, true);
    const { text, ics } = await inviteOf(ada, meeting.id);
    assert.ok(text.includes(E2EE_NO_DIAL_IN), text);
    assert.equal(
      E2EE_NO_DIAL_IN,
      'This meeting is end-to-end encrypted: phones and SIP video systems cannot join it.',
    );
    for (const absent of ['Dial in', '+41 44 555 00 00', '+1 212 555 0100', 'sip:', 'Switzerland']) {
      assert.ok(!text.includes(absent), `no ${absent}:\n${text}`);
    }
    assert.ok(text.includes(`${PUBLIC_URL}/m/${meeting.id}`), 'the link is there as ever');
    assert.deepEqual(descriptions(ics!), [text]);

    const feed = await ada.post('/api/account/calendar');
    assert.equal(feed.statusCode, 201, feed.body);
    const { url } = feed.json<CalendarFeedCreated>();
    const fetched = await t.app.inject({ method: 'GET', url: url.slice(PUBLIC_URL.length) });
    assert.equal(fetched.statusCode, 200, fetched.body);
    const [inFeed] = descriptions(fetched.body).filter((d) => d.startsWith('Secret board'));
    assert.equal(inFeed, text, 'the feed’s event says the same');

    assert.equal((await ada.patch(`/api/meetings/${meeting.id}`, { e2ee: false })).statusCode, 200);
    const open = await inviteOf(ada, meeting.id);
    assert.ok(!open.text.includes(E2EE_NO_DIAL_IN));
    assert.ok(open.text.includes('Switzerland: +41 44 555 00 00'), open.text);
  });
});
