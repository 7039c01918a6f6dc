import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ICAL from 'ical.js';
import type {
  AdminRoomSystemView,
  AuditPageView,
  MeetingInviteView,
  MeetingView,
  RoomDayView,
} from '@conclave/protocol';
import {
  ADMIN,
  addOrganisation,
  addUser,
  setUp,
  signedInClient,
  signedInUsers,
  startTestApp,
  type TestApp,
  type TestClient,
} from './support/app';
import { ManualClock } from '../src/common/clock';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { pairedScreen, type RoomScreen } from './support/room-screen';

const HOUR = 3600_000;
const codeOf = (res: { json<T>(): T }) => res.json<{ code: string; field?: string }>();

/**
 * Room systems invited to scheduled meetings (ADM-ROOMS, ADM-CALENDAR): the owner books meeting
 * rooms of the organisation beside people, the meeting and its invitation name them, and each room's
 * screen reads its own day of meetings, by its session alone, in the time zone it runs in.
 */
describeEachDatabase('room systems invited to meetings', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let sam: TestClient;
  let bob: TestClient;
  let eve: TestClient;
  let boardroom: { screen: RoomScreen; room: AdminRoomSystemView };

  const create = async (client: TestClient, body: Record<string, unknown>) => {
    const res = await client.post('/api/meetings', body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json<MeetingView>();
  };
  /** A schedule from `start` (ISO) lasting `hours`. */
  const at = (start: string, hours = 1, timeZone = 'Europe/Zurich') => ({
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(Date.parse(start) + hours * HOUR).toISOString(),
    timeZone,
  });
  const dayOf = async (screen: RoomScreen, timeZone: string) => {
    const res = await screen.request('GET', `/api/room-systems/session/day?timeZone=${timeZone}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<RoomDayView>();
  };

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database, { clock: new ManualClock(new Date('2026-03-29T09:00:00Z')) });
    const done = await setUp(t);
    ada = done.client;
    [sam, bob] = await signedInUsers(t, database, done.session.organisation.id, ['Sam', 'Bob'], {
      Sam: 'superuser',
    });
    const other = await addOrganisation(database, 'Globex');
    const eveId = await addUser(database, other, {
      email: 'eve@globex.test',
      password: 'Eve long password',
      displayName: 'Eve',
    });
    await database.db.updateTable('users').set({ role: 'administrator' }).where('id', '=', eveId).execute();
    eve = await signedInClient(t, 'eve@globex.test', 'Eve long password');
    boardroom = await pairedScreen(t.app, ada, 'Boardroom');
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('ADM-ROOMS, ADM-INVITE: the owner invites a room system; the meeting names it, its invitation and calendar file give it as the location, and it goes with the room system or the meeting', async () => {
    const { room } = await pairedScreen(t.app, ada, 'Aquarium');
    const meeting = await create(bob, {
      name: 'Design review',
      schedule: at('2026-03-03T13:00:00Z'),
      roomSystemIds: [room.id, room.id],
    });
    assert.deepEqual(meeting.roomSystems, [{ id: room.id, name: 'Aquarium' }], 'invited once, by name');
    const listed = (await bob.get('/api/meetings')).json<{ meetings: MeetingView[] }>().meetings;
    assert.deepEqual(listed.find((m) => m.id === meeting.id)?.roomSystems, meeting.roomSystems);

    const invite = (await bob.get(`/api/meetings/${meeting.id}/invite`)).json<MeetingInviteView>();
    assert.match(invite.text, /^Where: Aquarium$/m);
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(invite.ics!)).getFirstSubcomponent('vevent')!);
    assert.equal(event.location, `Aquarium; ${meeting.joinUrl}`, 'the room, then the link');

    // Changed with the meeting's other invitees: replaced, then none.
    const both = await bob.patch(`/api/meetings/${meeting.id}`, {
      roomSystemIds: [room.id, boardroom.room.id],
    });
    assert.equal(both.statusCode, 200, both.body);
    assert.deepEqual(
      both.json<MeetingView>().roomSystems.map((r) => r.name),
      ['Aquarium', 'Boardroom'],
    );
    const none = await bob.patch(`/api/meetings/${meeting.id}`, { roomSystemIds: [] });
    assert.deepEqual(none.json<MeetingView>().roomSystems, []);
    assert.doesNotMatch(
      (await bob.get(`/api/meetings/${meeting.id}/invite`)).json<MeetingInviteView>().text,
      /Where:/,
    );

    // Deleting the room system takes it off the meeting; deleting the meeting leaves no invitation.
    await bob.patch(`/api/meetings/${meeting.id}`, { roomSystemIds: [room.id, boardroom.room.id] });
    assert.equal((await ada.delete(`/api/room-systems/${room.id}`)).statusCode, 204);
    assert.deepEqual(
      (await bob.get(`/api/meetings/${meeting.id}`)).json<MeetingView>().roomSystems.map((r) => r.name),
      ['Boardroom'],
    );
    assert.equal((await bob.delete(`/api/meetings/${meeting.id}`)).statusCode, 204);
    const left = await database.db
      .selectFrom('meeting_room_systems')
      .select('room_system_id')
      .where('meeting_id', '=', meeting.id)
      .execute();
    assert.deepEqual(left, []);
  });

  test('ADM-ROOMS: room systems of another organisation, unknown, revoked or (for a User) hidden ones cannot be invited (400 room_system_not_found); managers may invite hidden ones', async () => {
    const { room: theirs } = await pairedScreen(t.app, eve, 'Globex lobby');
    const { room: hidden } = await pairedScreen(t.app, ada, 'Quiet room');
    const { room: revoked } = await pairedScreen(t.app, ada, 'Old room');
    assert.equal((await ada.patch(`/api/room-systems/${hidden.id}`, { hidden: true })).statusCode, 200);
    assert.equal((await ada.post(`/api/room-systems/${revoked.id}/revoke`)).statusCode, 200);

    for (const id of [theirs.id, '01J0000000000000000000000Z', revoked.id, hidden.id]) {
      const res = await bob.post('/api/meetings', { name: 'Sneaky', roomSystemIds: [id] });
      assert.equal(res.statusCode, 400, `${id}: ${res.body}`);
      assert.deepEqual([codeOf(res).code, codeOf(res).field], ['room_system_not_found', 'roomSystemIds']);
    }
    const malformed = await bob.post('/api/meetings', { name: 'Bad', roomSystemIds: ['x; drop'] });
    assert.equal(malformed.statusCode, 400);
    assert.equal(codeOf(malformed).code, 'validation_failed');
    // Another organisation's meeting cannot take ours either.
    const globex = await create(eve, { name: 'Globex weekly' });
    const into = await eve.patch(`/api/meetings/${globex.id}`, { roomSystemIds: [boardroom.room.id] });
    assert.equal(into.statusCode, 400);
    assert.equal(codeOf(into).code, 'room_system_not_found');

    // A Superuser finds the hidden one in the directory, so may invite it; the owner then keeps it.
    const booked = await create(sam, { name: 'Board prep', roomSystemIds: [hidden.id] });
    assert.deepEqual(booked.roomSystems, [{ id: hidden.id, name: 'Quiet room' }]);
    const bobs = await create(bob, { name: 'Bob’s sync' });
    const byManager = await sam.patch(`/api/meetings/${bobs.id}`, { roomSystemIds: [hidden.id] });
    assert.equal(byManager.statusCode, 200, byManager.body);
    const kept = await bob.patch(`/api/meetings/${bobs.id}`, {
      roomSystemIds: [hidden.id, boardroom.room.id],
    });
    assert.equal(kept.statusCode, 200, 'one invited already stays, hidden or not');
    assert.equal(kept.json<MeetingView>().roomSystems.length, 2);
    const nothingWritten = await database.db
      .selectFrom('meeting_room_systems')
      .select('meeting_id')
      .where('room_system_id', 'in', [theirs.id, revoked.id])
      .execute();
    assert.deepEqual(nothingWritten, []);
  });

  test('ADM-CALENDAR: a room screen lists the meetings it is invited to that overlap its local day in the time zone it sends, soonest first, with their owner and extension, never a passcode', async () => {
    const { screen, room } = await pairedScreen(t.app, ada, 'Atrium');
    const invite = { roomSystemIds: [room.id] };
    // The suite's clock: Sunday 29 March 2026, 09:00 UTC, the day Zürich's clocks go forward (23
    // hours); 02:00 that day in Los Angeles (UTC−7), 22:00 in Auckland (UTC+13).
    const late = await create(bob, { name: 'Late call', schedule: at('2026-03-29T21:30:00Z'), ...invite });
    const early = await create(bob, { name: 'Early sync', schedule: at('2026-03-28T22:30:00Z'), ...invite });
    const noon = await create(bob, { name: 'Lunch talk', schedule: at('2026-03-29T11:00:00Z'), ...invite });
    const midnight = await create(bob, {
      name: 'Ends at midnight',
      schedule: at('2026-03-28T21:00:00Z', 2),
      ...invite,
    });
    const next = await create(bob, { name: 'Next day', schedule: at('2026-03-29T22:00:00Z'), ...invite });
    await create(bob, { name: 'Elsewhere', schedule: at('2026-03-29T11:00:00Z') });
    await create(bob, { name: 'No time', ...invite });
    await bob.put(`/api/meetings/${noon.id}/passcode`, { passcode: '482916' });

    const res = await screen.request('GET', '/api/room-systems/session/day?timeZone=Europe/Zurich');
    assert.equal(res.statusCode, 200, res.body);
    assert.doesNotMatch(res.body, /482916|argon2|"passcode/i, 'never the passcode nor its hash');
    const zurich = res.json<RoomDayView>();
    assert.deepEqual([zurich.from, zurich.to], ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    // 23:30–00:30 last night reaches into today and 23:30–00:30 tonight starts today; 22:00–00:00
    // last night ends as today begins, and the next starts as it ends.
    assert.deepEqual(
      zurich.meetings.map((m) => m.id),
      [early.id, noon.id, late.id],
    );
    const lunch = zurich.meetings.find((m) => m.id === noon.id)!;
    assert.deepEqual(lunch, {
      id: noon.id,
      name: 'Lunch talk',
      startsAt: '2026-03-29T11:00:00.000Z',
      endsAt: '2026-03-29T12:00:00.000Z',
      ownerName: 'Bob',
      extension: noon.extension,
      hasPasscode: true,
      lobby: 'off',
    });
    assert.equal(zurich.autoJoin, false);

    // The same instant falls on another day in Los Angeles and in Auckland.
    const la = await dayOf(screen, 'America/Los_Angeles');
    assert.deepEqual([la.from, la.to], ['2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']);
    assert.deepEqual(
      la.meetings.map((m) => m.id),
      [noon.id, late.id, next.id],
    );
    // Auckland's 29 March ends at 11:00 UTC, just as the lunch talk starts.
    const auckland = await dayOf(screen, 'Pacific/Auckland');
    assert.deepEqual([auckland.from, auckland.to], ['2026-03-28T11:00:00.000Z', '2026-03-29T11:00:00.000Z']);
    assert.deepEqual(
      auckland.meetings.map((m) => m.id),
      [midnight.id, early.id],
    );

    // 13 hours later it is Monday in Zürich: the late call still runs into it.
    t.clock.advance(13 * HOUR);
    assert.deepEqual(
      (await dayOf(screen, 'Europe/Zurich')).meetings.map((m) => m.id),
      [late.id, next.id],
    );
    t.clock.advance(-13 * HOUR);

    for (const bad of ['', 'Mars/Olympus', 'Europe/Zurich%00', 'a'.repeat(65)]) {
      const refused = await screen.request('GET', `/api/room-systems/session/day?timeZone=${bad}`);
      assert.equal(refused.statusCode, 400, bad);
      assert.equal(codeOf(refused).code, 'validation_failed');
    }
    const missing = await screen.request('GET', '/api/room-systems/session/day');
    assert.equal(missing.statusCode, 400);
  });

  test('ADM-CALENDAR, ADM-ROOMS: a room’s day is read with its own session only: a person’s session (an Administrator’s too) gets 401, and no room sees another’s meetings', async () => {
    const { screen: other } = await pairedScreen(t.app, ada, 'Annex');
    await create(bob, {
      name: 'Boardroom only',
      schedule: at('2026-03-29T10:00:00Z'),
      roomSystemIds: [boardroom.room.id],
    });
    assert.deepEqual(
      (await dayOf(boardroom.screen, 'UTC')).meetings.map((m) => m.name),
      ['Boardroom only'],
    );
    assert.deepEqual((await dayOf(other, 'UTC')).meetings, [], 'the other room sees none of it');
    for (const person of [bob, ada]) {
      const res = await person.get('/api/room-systems/session/day?timeZone=UTC');
      assert.equal(res.statusCode, 401, 'a person’s session is no room’s');
      assert.equal(codeOf(res).code, 'unauthorized');
    }
    // Revoked, its screen reads nothing any more.
    const { screen: gone, room } = await pairedScreen(t.app, ada, 'Gone');
    assert.equal((await ada.post(`/api/room-systems/${room.id}/revoke`)).statusCode, 200);
    assert.equal((await gone.request('GET', '/api/room-systems/session/day?timeZone=UTC')).statusCode, 401);
  });

  test('ADM-ROOMS: automatic join is turned on and off by Superusers and Administrators, audited, and told to the screen with its day; a User is refused (403)', async () => {
    const { screen, room } = await pairedScreen(t.app, ada, 'Studio');
    assert.equal(room.autoJoin, false, 'off unless turned on');
    const refused = await bob.patch(`/api/room-systems/${room.id}`, { autoJoin: true });
    assert.equal(refused.statusCode, 403);
    assert.equal((await dayOf(screen, 'UTC')).autoJoin, false);

    const on = await sam.patch(`/api/room-systems/${room.id}`, { autoJoin: true });
    assert.equal(on.statusCode, 200, on.body);
    assert.equal(on.json<AdminRoomSystemView>().autoJoin, true);
    assert.equal((await dayOf(screen, 'UTC')).autoJoin, true);
    const listed = (await ada.get('/api/room-systems')).json<{ roomSystems: AdminRoomSystemView[] }>();
    assert.equal(listed.roomSystems.find((r) => r.id === room.id)?.autoJoin, true);
    // Asking for what it is already changes and records nothing.
    assert.equal((await ada.patch(`/api/room-systems/${room.id}`, { autoJoin: true })).statusCode, 200);
    assert.equal((await ada.patch(`/api/room-systems/${room.id}`, { autoJoin: false })).statusCode, 200);
    assert.equal((await dayOf(screen, 'UTC')).autoJoin, false);

    const audit = (await ada.get(`/api/audit?targetId=${room.id}`)).json<AuditPageView>();
    const changes = audit.events.filter((e) => e.action === 'roomSystem.autoJoinChanged');
    assert.deepEqual(
      changes.map((e) => [e.actor.name, e.details.autoJoin]),
      [
        [ADMIN.displayName, false],
        ['Sam', true],
      ],
    );
  });
});
