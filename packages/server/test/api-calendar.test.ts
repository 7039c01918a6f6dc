import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ICAL from 'ical.js';
import type {
  AuditPageView,
  CalendarFeedCreated,
  CalendarFeedStatus,
  MeetingInviteView,
  MeetingView,
  PersonalDataExport,
  SessionView,
} from '@conclave/protocol';
import {
  addOrganisation,
  addUser,
  PUBLIC_URL,
  setUp,
  signedInClient,
  signedInUsers,
  startTestApp,
  type TestApp,
  type TestClient,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** The events of a calendar file, as a real parser (ical.js) reads them. */
function parseEvents(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return calendar.getAllSubcomponents('vevent').map((v) => {
    const event = new ICAL.Event(v);
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      url: String(v.getFirstPropertyValue('url')),
      location: event.location,
      description: event.description,
    };
  });
}

/** Every line of the file at most 75 octets, CRLF-terminated (RFC 5545 3.1). */
function assertFolded(ics: string) {
  assert.ok(ics.endsWith('\r\n'));
  for (const line of ics.slice(0, -2).split('\r\n')) {
    assert.ok(Buffer.byteLength(line) <= 75, `line too long: ${line}`);
  }
}

describeEachDatabase(
  'ADM-CALENDAR, ADM-INVITE: scheduled meetings, invitations and calendar feeds',
  (kind) => {
    let database: TestDatabase;
    let t: TestApp;
    let ada: TestClient;
    let bob: TestClient;
    let carol: TestClient;
    let eve: TestClient;
    const ids: Record<'ada' | 'bob' | 'carol' | 'eve', string> = { ada: '', bob: '', carol: '', eve: '' };
    let now: number;

    const at = (ms: number) => new Date(now + ms).toISOString();
    const schedule = (fromNow: number, hours = 1, timeZone = 'Europe/Zurich') => ({
      startsAt: at(fromNow),
      endsAt: at(fromNow + hours * HOUR),
      timeZone,
    });
    const idOf = async (client: TestClient) =>
      (await client.get('/api/auth/session')).json<SessionView>().user.id;
    const create = async (client: TestClient, body: Record<string, unknown>) => {
      const res = await client.post('/api/meetings', body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json<MeetingView>();
    };
    const newFeed = async (client: TestClient) => {
      const res = await client.post('/api/account/calendar');
      assert.equal(res.statusCode, 201, res.body);
      return res.json<CalendarFeedCreated>();
    };
    /** Fetched as a calendar app does: no cookie, from its own address. */
    const fetchFeed = (url: string, remoteAddress = '192.0.2.10') =>
      t.app.inject({ method: 'GET', url: url.slice(PUBLIC_URL.length), remoteAddress });

    before(async () => {
      database = await createTestDatabase(kind);
      t = await startTestApp(database);
      now = t.clock.now().getTime();
      const done = await setUp(t);
      ada = done.client;
      [bob, carol] = await signedInUsers(t, database, done.session.organisation.id, ['Bob', 'Carol']);
      const other = await addOrganisation(database, 'Globex');
      await addUser(database, other, {
        email: 'eve@globex.test',
        password: 'Eve long password',
        displayName: 'Eve',
      });
      eve = await signedInClient(t, 'eve@globex.test', 'Eve long password');
      for (const [name, client] of [
        ['ada', ada],
        ['bob', bob],
        ['carol', carol],
        ['eve', eve],
      ] as const) {
        ids[name] = await idOf(client);
      }
      const res = await ada.patch('/api/settings', {
        calendar: { enabled: true },
        invites: {
          dialInNumbers: [
            { label: 'Zürich', number: '+41 44 123 45 67' },
            { label: 'London', number: '+44 20 7946 0000' },
          ],
          callDetails: 'Conference PIN: the meeting extension\nHelp desk: ext. 4000',
        },
      });
      assert.equal(res.statusCode, 200, res.body);
    });
    after(async () => {
      await t?.close();
      await database?.close();
    });

    test('ADM-INVITE: bad schedules and invitees are refused with 400, naming the field', async () => {
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ schedule: { ...schedule(DAY), endsAt: at(DAY - HOUR) } }, 'schedule.endsAt'],
        [{ schedule: { ...schedule(DAY), endsAt: at(DAY) } }, 'schedule.endsAt'],
        [{ schedule: schedule(DAY, 25) }, 'schedule.endsAt'],
        [{ schedule: schedule(DAY, 1, 'Mars/Olympus_Mons') }, 'schedule.timeZone'],
        [{ schedule: { ...schedule(DAY), startsAt: 'next Tuesday' } }, 'schedule.startsAt'],
        [{ schedule: { startsAt: at(DAY), timeZone: 'UTC' } }, 'schedule.endsAt'],
        [{ inviteeIds: [ids.eve] }, 'inviteeIds'],
        [{ inviteeIds: [ids.ada] }, 'inviteeIds'],
        [{ inviteeIds: ['no-such-person'] }, 'inviteeIds'],
        [{ inviteeIds: Array.from({ length: 201 }, (_, i) => `id-${i}`) }, 'inviteeIds'],
      ];
      for (const [body, field] of bad) {
        const res = await ada.post('/api/meetings', { name: 'Planning', ...body });
        assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
        assert.equal(res.json<{ code: string }>().code, 'validation_failed');
        assert.equal(res.json<{ field?: string }>().field, field, JSON.stringify(body));
      }
      const meeting = await create(ada, { name: 'Planning' });
      const res = await ada.patch(`/api/meetings/${meeting.id}`, { inviteeIds: [ids.bob, ids.eve] });
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual((await ada.get(`/api/meetings/${meeting.id}`)).json<MeetingView>().invitees, []);
    });

    test('ADM-INVITE: invitees see the meeting as invited, read-only; managing it is refused with 403; others get 404', async () => {
      const meeting = await create(ada, {
        name: 'Design review',
        schedule: {
          startsAt: '2026-01-05T10:00:00+01:00',
          endsAt: '2026-01-05T11:30:00+01:00',
          timeZone: 'Europe/Zurich',
        },
        inviteeIds: [ids.bob, ids.carol, ids.bob],
      });
      assert.deepEqual(meeting.schedule, {
        startsAt: '2026-01-05T09:00:00.000Z',
        endsAt: '2026-01-05T10:30:00.000Z',
        timeZone: 'Europe/Zurich',
      });
      assert.deepEqual(meeting.invitees, [
        { id: ids.bob, displayName: 'Bob' },
        { id: ids.carol, displayName: 'Carol' },
      ]);
      assert.equal(meeting.canManage, true);

      const listed = (await bob.get('/api/meetings')).json<{ meetings: MeetingView[] }>().meetings;
      const seen = listed.find((m) => m.id === meeting.id);
      assert.ok(seen, 'in the invitee’s list');
      assert.equal(seen.canManage, false);
      assert.deepEqual(seen.invitees, [], 'who else is invited is the organiser’s to know');
      assert.equal(seen.joinUrl, `${PUBLIC_URL}/m/${meeting.id}`);
      assert.equal((await bob.get(`/api/meetings/${meeting.id}`)).statusCode, 200);

      for (const res of [
        await bob.patch(`/api/meetings/${meeting.id}`, { name: 'Mine now' }),
        await bob.patch(`/api/meetings/${meeting.id}`, { hidden: true }),
        await bob.patch(`/api/meetings/${meeting.id}`, { inviteeIds: [] }),
        await bob.put(`/api/meetings/${meeting.id}/passcode`, { passcode: '1234' }),
        await bob.delete(`/api/meetings/${meeting.id}`),
      ]) {
        assert.equal(res.statusCode, 403, res.body);
        assert.equal(res.json<{ code: string }>().code, 'forbidden');
      }
      assert.equal((await ada.get(`/api/meetings/${meeting.id}`)).json<MeetingView>().name, 'Design review');

      // Uninvited: Carol no longer sees it at all; Eve (another organisation) never did.
      const updated = await ada.patch(`/api/meetings/${meeting.id}`, {
        inviteeIds: [ids.bob],
        schedule: null,
      });
      assert.equal(updated.statusCode, 200, updated.body);
      assert.equal(updated.json<MeetingView>().schedule, null);
      for (const client of [carol, eve]) {
        assert.equal((await client.get(`/api/meetings/${meeting.id}`)).statusCode, 404);
        assert.equal((await client.get(`/api/meetings/${meeting.id}/invite`)).statusCode, 404);
        const list = (await client.get('/api/meetings')).json<{ meetings: MeetingView[] }>().meetings;
        assert.ok(!list.some((m) => m.id === meeting.id));
      }
    });

    test('ADM-INVITE: the invitation text has the link, extension, passcode policy, dial-in numbers and call details, never the passcode; its .ics parses', async () => {
      const meeting = await create(ada, {
        name: 'Board, Q3',
        lobby: 'guests',
        schedule: {
          startsAt: '2026-03-02T13:00:00Z',
          endsAt: '2026-03-02T14:00:00Z',
          timeZone: 'Europe/Zurich',
        },
        inviteeIds: [ids.bob],
      });
      assert.equal(
        (await ada.put(`/api/meetings/${meeting.id}/passcode`, { passcode: '864209' })).statusCode,
        200,
      );

      const res = await bob.get(`/api/meetings/${meeting.id}/invite`);
      assert.equal(res.statusCode, 200, res.body);
      const invite = res.json<MeetingInviteView>();
      const joinUrl = `${PUBLIC_URL}/m/${meeting.id}`;
      for (const part of [
        'Board, Q3',
        'Monday, 2 March 2026, 14:00 to 15:00 (Europe/Zurich)',
        joinUrl,
        `Meeting extension: ${meeting.extension}`,
        'This meeting needs a passcode; the organiser will share it.',
        'Guests wait in the lobby until let in.',
        'Zürich: +41 44 123 45 67',
        'London: +44 20 7946 0000',
        'Conference PIN: the meeting extension\nHelp desk: ext. 4000',
      ]) {
        assert.ok(invite.text.includes(part), `the text has ${part}:\n${invite.text}`);
      }
      assert.ok(!invite.text.includes('864209'), 'never the passcode');

      assert.ok(invite.ics);
      assert.match(invite.ics, /^METHOD:PUBLISH\r$/m);
      assertFolded(invite.ics);
      assert.ok(!invite.ics.includes('864209'));
      const [event, ...more] = parseEvents(invite.ics);
      assert.equal(more.length, 0);
      assert.deepEqual(event, {
        uid: `${meeting.id}@conclave.test`,
        summary: 'Board, Q3',
        start: '2026-03-02T13:00:00.000Z',
        end: '2026-03-02T14:00:00.000Z',
        url: joinUrl,
        location: joinUrl,
        description: invite.text,
      });

      // Without a time: the text alone; without a passcode or lobby, it says so.
      const open = await create(ada, { name: 'Drop-in' });
      const openInvite = (await ada.get(`/api/meetings/${open.id}/invite`)).json<MeetingInviteView>();
      assert.equal(openInvite.ics, null);
      assert.ok(openInvite.text.includes('No passcode.'));
      assert.ok(!openInvite.text.includes('When:'));
      assert.ok(!openInvite.text.includes('lobby'));
    });

    test('ADM-CALENDAR: the feed lists exactly the scheduled meetings the person owns or is invited to, with their times and join links', async () => {
      const tricky = 'Budget, review; plan \\ go';
      const owned = await create(bob, { name: tricky, schedule: schedule(2 * DAY) });
      const invited = await create(ada, {
        name: 'Invited one',
        schedule: schedule(3 * DAY, 2, 'America/New_York'),
        inviteeIds: [ids.bob],
      });
      const lastWeek = await create(carol, {
        name: 'Last week',
        schedule: schedule(-7 * DAY),
        inviteeIds: [ids.bob],
      });
      await create(carol, { name: 'Long ago', schedule: schedule(-40 * DAY), inviteeIds: [ids.bob] });
      await create(bob, { name: 'No time' });
      await create(carol, { name: 'Not for Bob', schedule: schedule(DAY) });
      await create(ada, { name: 'Not for Bob either', schedule: schedule(DAY), inviteeIds: [ids.carol] });
      await create(eve, { name: 'Globex meeting', schedule: schedule(DAY) });

      const { url } = await newFeed(bob);
      assert.match(url, new RegExp(`^${PUBLIC_URL}/api/calendar/feed\\.ics\\?token=[A-Za-z0-9_-]{43}$`));
      const res = await fetchFeed(url);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'text/calendar; charset=utf-8');
      assertFolded(res.body);
      const events = parseEvents(res.body);
      assert.deepEqual(
        events.map((e) => e.summary),
        // Board, Q3 (in March) invited Bob in the test before.
        ['Last week', tricky, 'Invited one', 'Board, Q3'],
        'soonest first; from 30 days ago; not another person’s, not another organisation’s',
      );
      const mine = events.find((e) => e.uid === `${owned.id}@conclave.test`)!;
      assert.equal(mine.summary, tricky, 'commas, semicolons and backslashes round-trip');
      assert.deepEqual([mine.start, mine.end], [owned.schedule!.startsAt, owned.schedule!.endsAt]);
      assert.equal(mine.url, `${PUBLIC_URL}/m/${owned.id}`);
      assert.equal(mine.location, `${PUBLIC_URL}/m/${owned.id}`);
      const other = events.find((e) => e.uid === `${invited.id}@conclave.test`)!;
      assert.deepEqual([other.start, other.end], [invited.schedule!.startsAt, invited.schedule!.endsAt]);
      const invite = (await bob.get(`/api/meetings/${invited.id}/invite`)).json<MeetingInviteView>();
      assert.equal(other.description, invite.text, 'the invitation, line breaks and all');
      assert.ok(other.description.includes('\n'));
      assert.ok(events.some((e) => e.uid === `${lastWeek.id}@conclave.test`));

      // PRIV-EXPORT: the person's data tells what they are invited to and that they have a feed, never its token.
      const exported = await bob.get('/api/account/export');
      assert.equal(exported.statusCode, 200, exported.body);
      const data = exported.json<PersonalDataExport>();
      assert.ok(data.meetingsInvitedTo.includes(invited.id));
      assert.deepEqual(data.meetings.find((m) => m.id === owned.id)?.schedule, owned.schedule);
      assert.ok(data.calendarFeed);
      assert.ok(!exported.body.includes(url.split('token=')[1]!));

      // Changing the meeting changes its event, under the same UID.
      await ada.patch(`/api/meetings/${invited.id}`, { name: 'Invited, renamed' });
      const again = parseEvents((await fetchFeed(url)).body);
      assert.equal(again.find((e) => e.uid === `${invited.id}@conclave.test`)?.summary, 'Invited, renamed');
    });

    test('ADM-CALENDAR: a feed URL is shown once; a new one retires the old; deleting, revocation and calendar off answer 404', async () => {
      const status = async (client: TestClient) =>
        (await client.get('/api/account/calendar')).json<CalendarFeedStatus>();
      assert.deepEqual(await status(carol), { enabled: true, feed: null });
      const first = await newFeed(carol);
      assert.deepEqual(await status(carol), { enabled: true, feed: { createdAt: first.createdAt } });
      assert.ok(!JSON.stringify(await status(carol)).includes(first.url.split('token=')[1]!), 'shown once');
      assert.equal((await fetchFeed(first.url)).statusCode, 200);

      const second = await newFeed(carol);
      assert.notEqual(second.url, first.url);
      const retired = await fetchFeed(first.url);
      assert.equal(retired.statusCode, 404);
      assert.equal(retired.json<{ code: string }>().code, 'calendar_feed_not_found');
      assert.equal((await fetchFeed(second.url)).statusCode, 200);

      assert.equal((await carol.delete('/api/account/calendar')).statusCode, 204);
      assert.equal((await fetchFeed(second.url)).statusCode, 404);
      assert.deepEqual(await status(carol), { enabled: true, feed: null });
      assert.equal((await carol.delete('/api/account/calendar')).statusCode, 204, 'none to delete');

      // ADM-AUDIT: the Administrator sees feeds made and deleted (two made, one deleted), never a token.
      const audit = (await ada.get('/api/audit?limit=200')).json<AuditPageView>().events;
      const feeds = audit.filter(
        (e) => e.action.startsWith('user.calendarFeed') && e.target.name === 'Carol',
      );
      assert.deepEqual(
        feeds
          .slice(0, 3)
          .map((e) => [e.action, e.target.name])
          .reverse(),
        [
          ['user.calendarFeedCreated', 'Carol'],
          ['user.calendarFeedCreated', 'Carol'],
          ['user.calendarFeedDeleted', 'Carol'],
        ],
      );
      assert.ok(!JSON.stringify(audit).includes(second.url.split('token=')[1]!), 'no token in the log');

      // Revoked: the feed stops; restored, it works again.
      const third = await newFeed(carol);
      assert.equal((await ada.post(`/api/users/${ids.carol}/revoke`)).statusCode, 200);
      assert.equal((await fetchFeed(third.url)).json<{ code: string }>().code, 'calendar_feed_not_found');
      assert.equal((await ada.post(`/api/users/${ids.carol}/restore`)).statusCode, 200);
      assert.equal((await fetchFeed(third.url)).statusCode, 200);

      // Calendar integration off: no feed answers, and none can be made.
      const adaFeed = await newFeed(ada);
      assert.equal((await ada.patch('/api/settings', { calendar: { enabled: false } })).statusCode, 200);
      try {
        for (const url of [third.url, adaFeed.url]) {
          const off = await fetchFeed(url);
          assert.equal(off.statusCode, 404);
          assert.equal(off.json<{ code: string }>().code, 'calendar_feed_not_found');
        }
        assert.deepEqual((await status(ada)).enabled, false);
        const refused = await ada.post('/api/account/calendar');
        assert.equal(refused.statusCode, 403);
        assert.equal(refused.json<{ code: string }>().code, 'calendar_disabled');
      } finally {
        await ada.patch('/api/settings', { calendar: { enabled: true } });
      }
      assert.equal((await fetchFeed(adaFeed.url)).statusCode, 200);
    });

    test('ADM-CALENDAR: the feed token never appears in the server’s log lines', async () => {
      const { url } = await newFeed(ada);
      const token = url.split('token=')[1]!;
      const before = t.logs.length;
      assert.equal((await fetchFeed(url)).statusCode, 200);
      const lines = t.logs.slice(before);
      const requests = lines
        .map((l) => JSON.parse(l) as { msg?: string; req?: { url?: string } })
        .filter((l) => l.msg === 'incoming request');
      assert.deepEqual(
        requests.map((l) => l.req?.url),
        ['/api/calendar/feed.ics?token=[redacted]'],
      );
      assert.ok(!t.logs.join('\n').includes(token));
    });

    test('ADM-CALENDAR: wrong feed tokens are rate-limited per client address (429), right ones elsewhere still work', async () => {
      const { url } = await newFeed(bob);
      const guesser = '198.51.100.7';
      const wrong = `${PUBLIC_URL}/api/calendar/feed.ics?token=${'A'.repeat(43)}`;
      let limited = 0;
      for (let i = 0; i < 12; i++) {
        const res = await fetchFeed(wrong, guesser);
        if (res.statusCode === 429) {
          limited++;
          assert.equal(res.json<{ code: string }>().code, 'rate_limited');
          assert.ok(Number(res.headers['retry-after']) > 0);
        } else {
          assert.equal(res.statusCode, 404);
        }
      }
      assert.equal(limited, 2, 'ten wrong tokens, then refused');
      assert.equal((await fetchFeed(url, guesser)).statusCode, 429, 'refused before anything is looked up');
      // A calendar app polling from elsewhere is not slowed, however often it asks.
      for (let i = 0; i < 12; i++) assert.equal((await fetchFeed(url, '203.0.113.20')).statusCode, 200);
      t.clock.advance(15 * 60_000);
      assert.equal((await fetchFeed(url, guesser)).statusCode, 200, 'the window passed');
    });
  },
);
