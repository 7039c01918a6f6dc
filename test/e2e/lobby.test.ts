// MEET-LOBBY through the web app: a guest who joins a meeting with a lobby waits, is sent no roster and
// decodes nothing until the owner admits them from the Participants panel, then sees and hears the
// meeting; a guest the owner rejects is told so. Real server, Janus and Chromium in the sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import { createMeeting, joinSignedIn, signIn, waitInMeeting } from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import { sleep, waitForGrowth } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';
import { framesReceived, mediaReceived, recordWire } from './support/wire';

const skip = mediaSkipReason();

/** How long a waiting guest is watched for anything of the meeting reaching it. */
const WATCH_MS = 3_000;

describe('MEET-LOBBY: the lobby in the web app', { skip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let owner: Participant;
  let ownerId: string;
  let meeting: MeetingView;

  /** A guest's page that asked to join and now waits (it records what reaches it). */
  async function waitingGuest(name: string): Promise<Participant> {
    const guest = await browser.newParticipant(name);
    await guest.context.addInitScript(recordWire);
    await guest.page.goto(meeting.joinUrl);
    await guest.page.getByLabel('Your name').fill(name);
    await guest.page.getByRole('button', { name: 'Join meeting' }).click();
    await guest.page.getByRole('heading', { name: 'Waiting to be let in' }).waitFor({ timeout: 15_000 });
    return guest;
  }

  /** The owner's Participants panel, opened. */
  async function ownerPanel() {
    const panel = owner.page.getByRole('complementary', { name: 'Participants' });
    if (!(await panel.isVisible())) await owner.page.getByRole('button', { name: 'Participants' }).click();
    await panel.waitFor();
    return panel;
  }

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
    owner = await browser.newParticipant('Ada');
    await signIn(owner.context, server);
    meeting = await createMeeting(owner.context, server, 'Hiring panel', { lobby: 'guests' });
    ownerId = await joinSignedIn(owner.page, meeting.joinUrl);
  });
  after(() => stopEnvironment({ server, browser }));

  test(
    'MEET-LOBBY: a waiting guest gets no roster and decodes nothing until admitted, then sees the meeting',
    { skip },
    async () => {
      const gina = await waitingGuest('Gina');
      await sleep(WATCH_MS);
      const frames = await framesReceived(gina.page);
      assert.deepEqual(
        frames.filter((t) => t !== 'pong'),
        ['waiting'],
        `a waiting guest was sent ${frames.join(', ')}`,
      );
      assert.deepEqual(await mediaReceived(gina.page), { inbound: 0, framesDecoded: 0 });
      assert.equal(await gina.page.getByTestId('participant-tile').count(), 0, 'no tile of anyone');

      const panel = await ownerPanel();
      await panel.getByRole('heading', { name: 'Waiting to join' }).waitFor({ timeout: 10_000 });
      await panel.getByRole('button', { name: 'Admit Gina' }).click();

      await waitInMeeting(gina.page);
      await waitForGrowth(gina.page, ownerId, 'camera', { by: 10, timeoutMs: 20_000 });
      const after = await mediaReceived(gina.page);
      assert.ok(after.framesDecoded > 0, 'decodes once admitted');
      assert.ok((await framesReceived(gina.page)).includes('joined'));
      await panel.getByRole('heading', { name: 'Waiting to join' }).waitFor({ state: 'detached' });
      await gina.context.close();
    },
  );

  test('MEET-LOBBY: a guest the owner rejects is told they were not let in', { skip }, async () => {
    const mallory = await waitingGuest('Mallory');
    const panel = await ownerPanel();
    await panel.getByRole('button', { name: 'Reject Mallory' }).click();
    await mallory.page.getByText('You were not let in').waitFor({ timeout: 10_000 });
    await mallory.page.getByText('Ada Admin did not let you into the meeting').waitFor();
    assert.deepEqual(await mediaReceived(mallory.page), { inbound: 0, framesDecoded: 0 });
    await mallory.context.close();
  });
});

/** Four proquints: consonant-vowel-consonant-vowel-consonant each (docs/e2ee.md). */
const PROQUINT = '[bdfghjklmnprstvz][aiou][bdfghjklmnprstvz][aiou][bdfghjklmnprstvz]';
const CODEWORD = new RegExp(`${PROQUINT}( ${PROQUINT}){3}`);

function codewordIn(text: string, where: string): string {
  const found = CODEWORD.exec(text);
  if (!found) throw new Error(`no Codeword in ${where}: ${JSON.stringify(text)}`);
  return found[0];
}

describe('MEET-LOBBY: the lobby of an end-to-end encrypted meeting', { skip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let owner: Participant;
  let ownerId: string;
  let meeting: MeetingView;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
    owner = await browser.newParticipant('Ada');
    await owner.context.addInitScript(recordWire);
    await signIn(owner.context, server);
    meeting = await createMeeting(owner.context, server, 'Board', { e2ee: true, lobby: 'guests' });
    ownerId = await joinSignedIn(owner.page, meeting.joinUrl);
  });
  after(() => stopEnvironment({ server, browser }));

  test(
    'MEET-LOBBY: the moderator sees the waiting guest’s Codeword and admits them with an admission signed at that click',
    { skip },
    async () => {
      const eve = await browser.newParticipant('Eve');
      await eve.context.addInitScript(recordWire);
      await eve.page.goto(meeting.joinUrl);
      await eve.page.getByLabel('Your name').fill('Eve');
      await eve.page.getByRole('button', { name: 'Join meeting' }).click();
      await eve.page.getByRole('heading', { name: 'Waiting to be let in' }).waitFor({ timeout: 20_000 });
      // Derived in the background: shown once ready.
      const own = eve.page.getByTestId('own-codeword').filter({ hasText: CODEWORD });
      await own.waitFor({ timeout: 15_000 });
      const ownWord = codewordIn(await own.innerText(), 'the waiting screen');

      await owner.page.getByRole('button', { name: 'Participants' }).click();
      const admit = owner.page.getByRole('button', { name: 'Admit Eve' });
      await admit.waitFor({ timeout: 10_000 });
      const entry = owner.page.getByRole('listitem').filter({ has: admit }).filter({ hasText: CODEWORD });
      await entry.waitFor({ timeout: 15_000 });
      assert.equal(codewordIn(await entry.innerText(), 'the lobby entry'), ownWord);
      await admit.click();

      await waitInMeeting(eve.page, 30_000);
      await waitForGrowth(eve.page, ownerId, 'camera', { by: 10, timeoutMs: 30_000 });
      assert.ok(
        !(await framesReceived(owner.page)).includes('e2eeAdmissionRequest'),
        'the owner’s device signed at the click; it was never asked afterwards',
      );
    },
  );
});
