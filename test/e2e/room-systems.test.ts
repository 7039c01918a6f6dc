// Room systems (ADM-ROOMS, ADM-CALENDAR, MEET-ADD, IAM-REVOKE) through the web app: a meeting room's
// screen in room mode (/room) shows a pairing code, an Administrator enters it in Administration → Room
// systems, the screen lists a meeting the room is invited to and joins it with one touch as the room
// system, a person in that meeting decodes the room's camera; with automatic join on, the screen joins
// another meeting by itself (not the one it left); a moderator rings it into a third meeting and Accept
// on the screen takes it there; revoking the room system sends its screen back to pairing within seconds.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN, createMeeting, joinSignedIn, signIn, tileOf, waitInMeeting } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertReceives, type InMeeting } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { recordRoomAlert } from './support/usage';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

describe('room systems', () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
  });

  after(() => stopEnvironment({ server, browser }));

  test(
    'ADM-ROOMS, ADM-CALENDAR, MEET-ADD, IAM-REVOKE, ADM-SETTINGS: a screen paired by its code shows the organisation’s wallpaper; the admin console lists its alerts; it lists a meeting it is invited to and joins it with one touch as the room system, a person decodes its camera; with automatic join on it joins another meeting by itself, not the one it left; a moderator rings it into a third meeting from the Participants panel and Accept on the screen takes it there, decoded; revoking it sends the screen back to pairing within seconds',
    { skip },
    async () => {
      const screen = await browser.newParticipant('Boardroom');
      await screen.page.goto(`${server.url}/room`);
      const codeText = screen.page.getByTestId('pairing-code');
      await codeText.waitFor({ timeout: 10_000 });
      const code = (await codeText.textContent())?.trim() ?? '';
      assert.match(code, /^[0-9A-HJKMNP-TV-Z]{8}$/, 'eight unambiguous characters');

      // The Administrator enters it in Administration → Room systems.
      const ada = await browser.newParticipant('Ada');
      await signIn(ada.context, server, ADMIN);
      const admin = await ada.context.newPage();
      await admin.goto(`${server.url}/admin/room-systems`);
      await admin.getByLabel('Pairing code').fill(code.toLowerCase());
      await admin.getByLabel('Room name').fill('Boardroom');
      await admin.getByRole('button', { name: 'Add room system' }).click();
      await admin
        .getByTestId('admin-room-system')
        .filter({ hasText: 'Boardroom' })
        .waitFor({ timeout: 10_000 });

      // The screen is paired within a poll or two.
      await screen.page
        .getByTestId('room-name')
        .filter({ hasText: 'Boardroom' })
        .waitFor({ timeout: 10_000 });
      await admin.reload();
      await admin.getByTestId('room-presence').filter({ hasText: 'Online now' }).waitFor({ timeout: 10_000 });

      // ADM-SETTINGS: the organisation's room-system wallpaper shows behind the room screen.
      await admin.goto(`${server.url}/admin/settings`);
      const wallpaper = await admin.evaluate(() => {
        const canvas = document.createElement('canvas');
        canvas.width = 64;
        canvas.height = 36;
        const g = canvas.getContext('2d')!;
        g.fillStyle = '#2a6f4e';
        g.fillRect(0, 0, 64, 36);
        return canvas.toDataURL('image/png').split(',')[1]!;
      });
      await admin.getByLabel('Room-system wallpaper').setInputFiles({
        name: 'wallpaper.png',
        mimeType: 'image/png',
        buffer: Buffer.from(wallpaper, 'base64'),
      });
      await admin
        .getByRole('status')
        .filter({ hasText: 'Room-system wallpaper saved.' })
        .waitFor({ timeout: 10_000 });
      await screen.page.reload();
      await screen.page
        .getByTestId('room-name')
        .filter({ hasText: 'Boardroom' })
        .waitFor({ timeout: 10_000 });
      await screen.page.waitForFunction(() =>
        getComputedStyle(document.querySelector('.room-screen')!).backgroundImage.includes(
          '/api/branding/wallpaper',
        ),
      );
      // ADM-ROOMS: the alerts the server raised are listed under the room systems.
      await recordRoomAlert(server, 'Boardroom', 'roomOffline');
      await admin.goto(`${server.url}/admin/room-systems`);
      await admin
        .getByTestId('admin-room-alert')
        .filter({ hasText: 'Boardroom' })
        .filter({ hasText: 'Went offline' })
        .filter({ hasText: '1 person' })
        .waitFor({ timeout: 10_000 });

      // ADM-CALENDAR: Ada books the room for a meeting under way and is in it; the screen lists it,
      // highlighted as now, and one touch joins it.
      const roomSystemId = await admin
        .getByTestId('admin-room-system')
        .filter({ hasText: 'Boardroom' })
        .getAttribute('data-room-id');
      const underWay = (startedMinutesAgo: number) => ({
        startsAt: new Date(Date.now() - startedMinutesAgo * 60_000).toISOString(),
        endsAt: new Date(Date.now() + 60 * 60_000).toISOString(),
        timeZone: 'UTC',
      });
      const meeting = await createMeeting(ada.context, server, 'Quarterly review', {
        schedule: underWay(5),
        roomSystemIds: [roomSystemId!],
      });
      const person: InMeeting = {
        name: 'Ada',
        page: ada.page,
        id: await joinSignedIn(ada.page, meeting.joinUrl),
      };
      await screen.page.reload();
      const listed = screen.page.getByTestId('room-today-meeting').filter({ hasText: 'Quarterly review' });
      await listed.waitFor({ timeout: 10_000 });
      assert.equal(await listed.getAttribute('data-when'), 'now', 'the meeting under way is highlighted');
      assert.ok((await listed.textContent())?.includes(ADMIN.displayName), 'its organiser is named');
      await listed.getByRole('button', { name: 'Join Quarterly review' }).click();
      const room: InMeeting = { name: 'Boardroom', page: screen.page, id: await waitInMeeting(screen.page) };

      const tile = tileOf(person.page, room.id);
      await tile.waitFor({ timeout: 15_000 });
      assert.equal(await tile.getAttribute('aria-label'), 'Boardroom');
      assert.ok((await tile.textContent())?.includes('Room system'), 'its tile says it is a room system');
      await assertReceives(person, room);

      // The Administrator turns automatic join on; Ada moves on to another meeting of the room.
      await admin.getByRole('button', { name: 'Turn on automatic join, Boardroom' }).click();
      await admin
        .getByTestId('admin-room-system')
        .filter({ hasText: 'Joins automatically' })
        .waitFor({ timeout: 10_000 });
      const standUp = await createMeeting(ada.context, server, 'Stand-up', {
        schedule: underWay(1),
        roomSystemIds: [roomSystemId!],
      });
      await joinSignedIn(ada.page, standUp.joinUrl);
      // The people in the room leave on purpose: the screen joins the stand-up by itself, not the
      // review it left (listed first, as it started earlier).
      await screen.page.getByRole('button', { name: 'Leave meeting' }).click();
      await screen.page
        .locator('.room-meeting-name')
        .filter({ hasText: 'Stand-up' })
        .waitFor({ timeout: 10_000 });
      const auto = await waitInMeeting(screen.page);
      const autoTile = tileOf(ada.page, auto);
      await autoTile.waitFor({ timeout: 15_000 });
      assert.equal(await autoTile.getAttribute('aria-label'), 'Boardroom', 'Ada sees the room come in');

      // MEET-ADD: Ada, now in a meeting that never booked the room, rings it in from the Participants
      // panel; the screen rings in the middle of the stand-up, Accept takes the room over.
      const hallway = await createMeeting(ada.context, server, 'Hallway chat');
      const adaInHallway = await joinSignedIn(ada.page, hallway.joinUrl);
      await ada.page.getByRole('button', { name: 'Participants' }).click();
      const panel = ada.page.getByRole('complementary', { name: 'Participants' });
      await panel.getByRole('button', { name: 'Add people' }).click();
      await panel.getByLabel('Search people and rooms').fill('Board');
      await panel.getByRole('button', { name: 'Search', exact: true }).click();
      await panel.getByRole('button', { name: 'Ring Boardroom' }).click();
      const ring = screen.page
        .getByTestId('incoming-call')
        .filter({ hasText: `${ADMIN.displayName} asks this room to join Hallway chat` });
      await ring.waitFor({ timeout: 10_000 });
      await ring.getByRole('button', { name: 'Accept' }).click();
      await screen.page
        .locator('.room-meeting-name')
        .filter({ hasText: 'Hallway chat' })
        .waitFor({ timeout: 15_000 });
      const rungIn: InMeeting = {
        name: 'Boardroom',
        page: screen.page,
        id: await waitInMeeting(screen.page),
      };
      await panel.getByRole('status').filter({ hasText: 'Boardroom: accepted' }).waitFor({ timeout: 10_000 });
      await assertReceives({ name: 'Ada', page: ada.page, id: adaInHallway }, rungIn);
      const rungTile = tileOf(ada.page, rungIn.id);

      // Revoked: the screen leaves the meeting and shows a pairing code again within seconds.
      const started = performance.now();
      await admin.getByRole('button', { name: 'Revoke access, Boardroom' }).click();
      await admin.getByRole('dialog').getByRole('button', { name: 'Revoke access' }).click();
      await screen.page.getByTestId('pairing-code').waitFor({ timeout: 10_000 });
      assert.ok(performance.now() - started < 10_000, 'within seconds');
      await rungTile.waitFor({ state: 'detached', timeout: 10_000 });
      const session = await screen.context.request.get(`${server.url}/api/room-systems/session`);
      assert.equal(session.status(), 401, 'its session is gone');
    },
  );
});
