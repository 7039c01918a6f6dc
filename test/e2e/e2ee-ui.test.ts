// What people see of end-to-end encryption in the web app: the join page's Codewords (or its refusal
// where the browser cannot encrypt), the Codeword under each tile, the lock in the top bar and the
// Verify dialog's security code. Everything is read from the page as a person sees it, never from the
// SDK. One server, one Chromium, one meeting; the tests run in order and build on each other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import type { Locator, Page } from 'playwright-core';
import { ADMIN, createMeeting, joinAsGuest, joinSignedIn, selfTile, signIn, tileOf } from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { waitForRoster, type InMeeting } from './support/checks';
import { withholdAdmission } from './support/e2ee';
import { startEnvironment, stopEnvironment } from './support/environment';
import { sleep } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();

/** Four proquints: consonant-vowel-consonant-vowel-consonant each (docs/e2ee.md). */
const PROQUINT = '[bdfghjklmnprstvz][aiou][bdfghjklmnprstvz][aiou][bdfghjklmnprstvz]';
const CODEWORD = new RegExp(`^${PROQUINT}( ${PROQUINT}){3}$`);
const SECURITY_CODE = /^(\d{4} ){7}\d{4}$/;

async function textOf(locator: Locator, timeoutMs = 20_000): Promise<string> {
  await locator.waitFor({ timeout: timeoutMs });
  return ((await locator.textContent()) ?? '').trim();
}

/** The Codeword under one's own tile. */
const ownCodeword = (page: Page) => textOf(selfTile(page).getByTestId('codeword'));
/** The Codeword under someone else's tile. */
const codewordUnder = (page: Page, id: string) => textOf(tileOf(page, id).getByTestId('codeword'));

/** Waits until the top bar's lock says the page is in the encrypted group. */
async function waitEncrypted(page: Page): Promise<void> {
  await page
    .getByTestId('e2ee-status')
    .filter({ hasText: 'End-to-end encrypted' })
    .waitFor({ timeout: 30_000 });
}

const verifyDialog = (page: Page) => page.getByRole('dialog', { name: 'Verify encryption' });
const codeIn = (page: Page) => textOf(verifyDialog(page).getByTestId('security-code'));

/** Waits until every page's Verify dialog shows one security code (and epoch) other than `unlike`. */
async function waitForOneCode(pages: readonly Page[], unlike?: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  for (;;) {
    seen = await Promise.all(
      pages.map(async (p) => {
        const dialog = verifyDialog(p);
        const code = (await dialog.getByTestId('security-code').textContent()) ?? '';
        return `${code.trim()} @${(await dialog.getByTestId('epoch').textContent()) ?? ''}`;
      }),
    );
    const [first] = seen;
    if (
      first &&
      first !== unlike &&
      seen.every((s) => s === first) &&
      SECURITY_CODE.test(first.split(' @')[0]!)
    )
      return { code: first.split(' @')[0]!, epoch: Number(first.split(' @')[1]), both: first };
    if (Date.now() > deadline) throw new Error(`no common security code: ${JSON.stringify(seen)}`);
    await sleep(200);
  }
}

describe('end-to-end encryption in the web app', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let meeting: MeetingView;
  let owner: Participant;
  let guest: Participant;
  const people: InMeeting[] = [];
  /** Bob's own Codeword as his join page showed it before he joined. */
  let bobsLobbyCodeword = '';

  before(async () => {
    // The join page tests need no media: without the sandbox the server starts without waiting for it.
    ({ server, browser } = await startEnvironment({ server: { waitForMedia: !skip } }));
    owner = await browser.newParticipant('Ada');
    await signIn(owner.context, server, ADMIN);
    meeting = await createMeeting(owner.context, server, 'Audit committee', { e2ee: true });
  });
  after(() => stopEnvironment({ server, browser }));

  test('E2EE-OPTIN: a browser that cannot encrypt calls is told so on the join page and cannot join', async () => {
    const old = await browser.newParticipant('Otto');
    // A browser without WebRTC encoded transforms, as older ones are.
    await old.context.addInitScript(() => {
      const scope = globalThis as { RTCRtpScriptTransform?: unknown };
      delete scope.RTCRtpScriptTransform;
      const sender = RTCRtpSender.prototype as { createEncodedStreams?: unknown };
      delete sender.createEncodedStreams;
    });
    await old.page.goto(meeting.joinUrl);
    const refusal = old.page.getByRole('alert').filter({ hasText: 'this browser cannot encrypt calls' });
    await refusal.waitFor({ timeout: 15_000 });
    assert.match(
      await textOf(refusal),
      /This meeting is end-to-end encrypted and this browser cannot encrypt calls/,
    );
    const join = old.page.getByRole('button', { name: 'Join meeting' });
    assert.equal(await join.isDisabled(), true, 'the join button is disabled');
    await old.page.getByLabel('Your name').fill('Otto');
    await old.page.getByLabel('Your name').press('Enter');
    await sleep(1000);
    assert.equal(await selfTile(old.page).count(), 0, 'Enter does not join either');
    assert.equal(
      await old.page.getByTestId('own-codeword').count(),
      0,
      'no Codeword to compare: nothing to join',
    );
    await old.context.close();
  });

  test("E2EE-CODEWORD: before the owner has joined, the join page shows your Codeword and says the owner's is not known yet", async () => {
    guest = await browser.newParticipant('Bob');
    await guest.page.goto(meeting.joinUrl);
    bobsLobbyCodeword = await textOf(guest.page.getByTestId('own-codeword'));
    assert.match(bobsLobbyCodeword, CODEWORD);
    assert.equal(
      await textOf(guest.page.getByTestId('owner-codeword-unknown')),
      'Not known yet: the owner has not joined',
    );
    const join = guest.page.getByRole('button', { name: 'Join meeting' });
    assert.equal(await join.isDisabled(), false, 'a browser that can encrypt may join');
    // Another browser profile is another device: another Codeword.
    const other = await browser.newParticipant('Zoe');
    await other.page.goto(meeting.joinUrl);
    assert.notEqual(await textOf(other.page.getByTestId('own-codeword')), bobsLobbyCodeword);
    await other.context.close();
  });

  test(
    "E2EE-CODEWORD: once the owner is in, the join page shows the owner's Codeword, the one under the owner's own tile",
    { skip },
    async () => {
      people.push({ name: 'Ada', page: owner.page, id: await joinSignedIn(owner.page, meeting.joinUrl) });
      const adas = await ownCodeword(owner.page);
      assert.match(adas, CODEWORD);
      // Alone, the owner's device makes the group: the lock says so.
      await waitEncrypted(owner.page);

      await guest.page.goto(meeting.joinUrl);
      assert.equal(await textOf(guest.page.getByTestId('owner-codeword')), adas);
      assert.equal(
        await textOf(guest.page.getByTestId('own-codeword')),
        bobsLobbyCodeword,
        'the same device, the same Codeword',
      );
    },
  );

  test(
    "E2EE-CODEWORD: two people see under each other's tile the Codeword the other shows as their own",
    { skip },
    async () => {
      const [ada] = people;
      assert.ok(ada, 'needs the owner in the meeting (previous test)');
      await guest.page.getByLabel('Your name').fill('Bob');
      await guest.page.getByRole('button', { name: 'Join meeting' }).click();
      const bob: InMeeting = { name: 'Bob', page: guest.page, id: await joinedId(guest.page) };
      people.push(bob);
      await Promise.all(people.map((p) => waitForRoster(p.page, [ada.id, bob.id])));
      await Promise.all(people.map((p) => waitEncrypted(p.page)));

      const adas = await ownCodeword(ada.page);
      const bobs = await ownCodeword(bob.page);
      assert.equal(bobs, bobsLobbyCodeword, "Bob's tile shows the Codeword his join page showed");
      assert.notEqual(adas, bobs);
      assert.equal(await codewordUnder(bob.page, ada.id), adas, "Bob sees Ada's Codeword under her tile");
      assert.equal(await codewordUnder(ada.page, bob.id), bobs, "Ada sees Bob's Codeword under his tile");
      for (const p of people) {
        assert.equal(
          await p.page.getByText('No Codeword: waiting for keys').count(),
          0,
          `${p.name}: nobody waits for keys`,
        );
      }
    },
  );

  test(
    'E2EE-SECURITY-CODE: both Verify dialogs show one security code; a third person joining changes it, the same again for all three',
    { skip },
    async () => {
      const [ada, bob] = people;
      assert.ok(ada && bob, 'needs the meeting of the previous test');
      for (const p of people) {
        const verify = p.page.getByRole('button', { name: 'Verify' });
        await verify.click();
        await verifyDialog(p.page).waitFor();
        // Focus moves into the dialog, to its top.
        assert.equal(
          await p.page.evaluate(() =>
            document.activeElement?.closest('dialog')?.getAttribute('aria-labelledby'),
          ),
          'verify-title',
        );
      }
      const two = await waitForOneCode([ada.page, bob.page]);
      assert.match(await codeIn(ada.page), SECURITY_CODE);
      // The dialog lists everyone with the Codeword under their tile.
      const listed = verifyDialog(ada.page).getByTestId('verify-people');
      assert.equal(
        await textOf(listed.locator(`li[data-participant-id="${bob.id}"]`).getByTestId('codeword')),
        await ownCodeword(bob.page),
      );
      assert.equal(
        await textOf(verifyDialog(bob.page).getByTestId('owner-codeword')),
        await ownCodeword(ada.page),
        "Bob's dialog names Ada's device as the owner's",
      );

      const cy = await browser.newParticipant('Cy');
      const cyId = await joinAsGuest(cy.page, meeting.joinUrl, 'Cy');
      await waitEncrypted(cy.page);
      await cy.page.getByRole('button', { name: 'Verify' }).click();
      const three = await waitForOneCode([ada.page, bob.page, cy.page], two.both);
      assert.notEqual(three.code, two.code, 'a new security code once Cy is in');
      assert.ok(three.epoch > two.epoch, `a new epoch: ${two.epoch} → ${three.epoch}`);
      assert.equal(await codewordUnder(ada.page, cyId), await ownCodeword(cy.page));
      assert.equal(
        await textOf(listed.locator(`li[data-participant-id="${cyId}"]`).getByTestId('codeword')),
        await ownCodeword(cy.page),
      );

      // Escape closes the dialog and gives focus back to the Verify button.
      await ada.page.keyboard.press('Escape');
      await verifyDialog(ada.page).waitFor({ state: 'hidden' });
      assert.equal(await ada.page.evaluate(() => document.activeElement?.textContent), 'Verify');
      await cy.context.close();
    },
  );

  test(
    'E2EE-CODEWORD: someone the server lets in without keys shows "No Codeword: waiting for keys" under their tile, and their own lock says "Securing…"',
    { skip },
    async () => {
      const [ada, bob] = people;
      assert.ok(ada && bob, 'needs the meeting of the previous tests');
      const eve = await browser.newParticipant('Eve');
      // Eve's signaling socket never delivers her admission: she is in the meeting, but not in the group.
      await withholdAdmission(eve.page);
      const eveId = await joinAsGuest(eve.page, meeting.joinUrl, 'Eve');
      for (const p of people) {
        const strip = tileOf(p.page, eveId).getByTestId('tile-codeword');
        assert.equal(await textOf(strip), 'No Codeword: waiting for keys', `${p.name}'s view of Eve`);
      }
      assert.equal(await textOf(eve.page.getByTestId('e2ee-status')), 'Securing…');
      assert.equal(
        await textOf(tileOf(eve.page, ada.id).getByTestId('tile-codeword')),
        'No Codeword: waiting for keys',
      );
      await eve.context.close();
    },
  );
});

/** The participant id of a page that clicked "Join meeting" and is now in the meeting. */
async function joinedId(page: Page): Promise<string> {
  await selfTile(page).waitFor({ timeout: 20_000 });
  const id = await selfTile(page).getAttribute('data-participant-id');
  assert.ok(id, 'the self tile has a participant id');
  return id;
}
