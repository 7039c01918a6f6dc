// Issue 10 part 7: an accessible name on every control, proved by axe-core (serious and critical
// violations, every rule on) on the pages people use most: home, directory, chat, recordings (and a
// shared recording's page), the usage reports, the join page, and the meeting stage with the
// participants panel open and with the keyboard shortcuts dialog open.
// Real server, Janus and Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAccount, createMeeting, csrfToken, joinAsGuest, joinSignedIn, signIn } from './support/app';
import { axeViolations, describeViolations } from './support/axe';
import type { Participant, TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();
const BOB = { email: 'bob@example.test', password: 'Bob long password 1', displayName: 'Bob Builder' };

async function assertAxeClean(page: Participant['page'], what: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(
    violations.map((v) => v.id),
    [],
    `${what} has accessibility violations:\n${describeViolations(violations)}`,
  );
}

describe('accessibility of the main pages (axe-core)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let ada: Participant;
  let bob: Participant;
  let joinUrl: string;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
    ada = await browser.newParticipant('Ada');
    await signIn(ada.context, server);
    joinUrl = (await createMeeting(ada.context, server, 'Accessible meeting')).joinUrl;
    bob = await browser.newParticipant('Bob');
  });
  after(() => stopEnvironment({ server, browser }));

  test(
    'MEET-LAYOUT: the home page and the directory have no serious or critical axe violations',
    { skip },
    async () => {
      await ada.page.goto(`${server.url}/`);
      await ada.page.getByRole('heading', { level: 1 }).first().waitFor();
      await assertAxeClean(ada.page, 'the home page');
      await ada.page.goto(`${server.url}/directory`);
      await ada.page.getByRole('heading', { name: 'Directory' }).first().waitFor();
      await assertAxeClean(ada.page, 'the directory');
    },
  );

  test(
    'CHAT-DIRECT: the chat page, with a conversation open and with the new-conversation form, has no serious or critical axe violations',
    { skip },
    async () => {
      const bobId = (await createAccount(ada.context, server, BOB)).id;
      const csrf = { 'x-conclave-csrf': await csrfToken(ada.context, server) };
      const started = await ada.context.request.post(`${server.url}/api/chat/conversations`, {
        data: { kind: 'direct', userId: bobId },
        headers: csrf,
      });
      const { id } = (await started.json()) as { id: string };
      await ada.context.request.post(`${server.url}/api/chat/conversations/${id}/messages`, {
        data: { body: 'An accessible hello' },
        headers: csrf,
      });
      await ada.page.goto(`${server.url}/chat/${id}`);
      await ada.page.getByTestId('chat-message').filter({ hasText: 'An accessible hello' }).waitFor();
      await assertAxeClean(ada.page, 'the chat page with a conversation open');

      await ada.page.getByRole('button', { name: 'New conversation' }).click();
      await ada.page.getByRole('button', { name: `Add ${BOB.displayName}` }).click();
      await ada.page.getByRole('list', { name: 'With' }).waitFor();
      await assertAxeClean(ada.page, 'the chat page’s new-conversation form');
    },
  );

  test(
    'REC-ACCESS: the recordings page, and a shared recording’s page with a link that does not work, have no serious or critical axe violations',
    { skip },
    async () => {
      await ada.page.goto(`${server.url}/recordings`);
      await ada.page.getByRole('heading', { name: 'Recordings', level: 1 }).waitFor();
      await ada.page.getByText('No recordings yet.', { exact: false }).waitFor();
      await assertAxeClean(ada.page, 'the recordings page');
      await bob.page.goto(`${server.url}/r/0123456789abcdef#key=${'k'.repeat(32)}`);
      await bob.page.getByRole('heading', { name: 'This link does not work' }).waitFor();
      await assertAxeClean(bob.page, 'a shared recording’s page with a link that does not work');
    },
  );

  test(
    'ADM-USAGE: the usage reports page, with its days shown as a table, has no serious or critical axe violations',
    { skip },
    async () => {
      await ada.page.goto(`${server.url}/admin/reports`);
      const perDay = ada.page.getByRole('region', { name: 'Per day' });
      await perDay.getByRole('img', { name: /minutes spent in meetings/ }).waitFor();
      await perDay.getByText('Show as table').click();
      await perDay.getByRole('table').waitFor();
      await assertAxeClean(ada.page, 'the usage reports page');
    },
  );

  test('MEET-LAYOUT: a guest’s join page has no serious or critical axe violations', { skip }, async () => {
    await bob.page.goto(joinUrl);
    await bob.page.getByRole('button', { name: 'Join meeting' }).waitFor();
    await assertAxeClean(bob.page, 'the join page');
  });

  test(
    'MEET-LAYOUT, CHAT-MEETING: the meeting stage, with the participants and chat panels and with the shortcuts and settings dialogs open, has no serious or critical axe violations',
    { skip },
    async () => {
      await joinSignedIn(ada.page, joinUrl);
      await joinAsGuest(bob.page, joinUrl, 'Bob');
      await ada.page.locator('[data-testid="participant-tile"][data-self="false"]').waitFor();
      await assertAxeClean(ada.page, 'the meeting stage');

      await ada.page.getByRole('button', { name: 'Participants' }).click();
      await ada.page.getByRole('complementary', { name: 'Participants' }).waitFor();
      await assertAxeClean(ada.page, 'the meeting stage with the participants panel open');

      // CHAT-MEETING: the chat panel, with a message in it, in place of the participants.
      await ada.page.getByRole('button', { name: 'Chat', exact: true }).click();
      const composer = ada.page.getByRole('textbox', { name: 'Message everyone' });
      await composer.fill('Hello Bob');
      await composer.press('Enter');
      await ada.page.getByTestId('chat-message').waitFor();
      await assertAxeClean(ada.page, 'the meeting stage with the chat panel open');

      await ada.page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
      const dialog = ada.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await dialog.waitFor();
      await assertAxeClean(ada.page, 'the meeting stage with the shortcuts dialog open');
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'hidden' });

      await ada.page.getByRole('button', { name: 'Settings' }).click();
      const settings = ada.page.getByRole('dialog', { name: 'Audio and video' });
      await settings.getByRole('switch', { name: 'Noise suppression', exact: true }).waitFor();
      await assertAxeClean(ada.page, 'the meeting’s Settings dialog');
      await settings.getByRole('button', { name: 'Done' }).click();
      await settings.waitFor({ state: 'hidden' });

      await ada.page.getByRole('button', { name: 'Layout' }).click();
      await ada.page.getByRole('radio', { name: 'Speaker' }).check();
      await ada.page.locator('[data-place="main"]').waitFor();
      await assertAxeClean(ada.page, 'the meeting stage in speaker layout with the layout menu open');
    },
  );
});
