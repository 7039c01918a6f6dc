// SIP endpoints and phones in a meeting (INTEROP-SIP, INTEROP-PSTN, E2EE-LIMITS): baresip dials the
// server's own Kamailio over TLS with SDES-SRTP; the server answers each call with a gateway page (a
// headless Chromium of its own) that joins the meeting as the caller. Real server, Janus (the
// meeting's and the SIP gateway's), Kamailio, Chromium and baresip.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { MeetingView } from '@conclave/protocol';
import type { Page } from 'playwright-core';
import { tonesOf } from '@conclave/web/src/sip-gateway/dtmf';
import { Baresip, baresipUnavailableReason } from '../../packages/server/test/support/baresip';
import { makeTestTls, type TestTls } from '../../packages/server/test/support/tls';
import { scrapeUrl } from '../../packages/server/test/support/metrics';
import { kamailioUnavailableReason } from '../../packages/server/test/support/sip-support';
import { mediaAddress } from '../../packages/server/src/turn/media-address';
import { createMeeting, csrfToken, joinAsGuest, joinSignedIn, signIn, waitInMeeting } from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { startEnvironment, stopEnvironment } from './support/environment';
import { sleep, waitForGrowth } from './support/media';
import { freePort } from './support/ports';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const DOMAIN = 'sip.conclave.test';
const PASSCODE = '4711';
const mediaIp = mediaAddress(process.env.CONCLAVE_MEDIA_INTERFACE ?? null);
const skip = mediaSkipReason() ?? kamailioUnavailableReason() ?? baresipUnavailableReason() ?? false;

/** Someone in the page's roster, as its SDK knows them. */
interface Seen {
  id: string;
  displayName: string;
  kind: string;
}

async function remoteOfKind(page: Page, kind: 'sip' | 'phone', timeoutMs = 30_000): Promise<Seen> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const w = window as unknown as {
        __conclave?: { room?: { remoteParticipants: Map<string, Seen> } };
      };
      const people = [...(w.__conclave?.room?.remoteParticipants.values() ?? [])];
      const found = people.find((p) => p.kind === wanted);
      return found ? { id: found.id, displayName: found.displayName, kind: found.kind } : null;
    },
    kind,
    { timeout: timeoutMs },
  );
  return (await handle.jsonValue()) as Seen;
}

/**
 * A phone's keys as it sends them, in-band: 48 kHz 16-bit WAV (two equal channels, as baresip's file
 * source wants for Opus) of silence, then each key's two
 * tones for 120 ms with 120 ms between, at the given seconds; silence to the end.
 */
function keysWav(folder: string, presses: Array<{ at: number; keys: string }>, seconds: number): string {
  const rate = 48_000;
  const samples = new Int16Array(rate * seconds * 2);
  for (const { at, keys } of presses) {
    [...keys].forEach((key, n) => {
      const [low, high] = tonesOf(key)!;
      const start = Math.round((at + n * 0.24) * rate);
      for (let i = 0; i < 0.12 * rate; i++) {
        const t = i / rate;
        const v = 0.3 * (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t));
        samples[2 * (start + i)] = samples[2 * (start + i) + 1] = Math.round(v * 32767);
      }
    });
  }
  const data = Buffer.from(samples.buffer);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  const file = join(folder, 'keys.wav');
  writeFileSync(file, Buffer.concat([header, data]));
  return file;
}

/** Waits (5 s at most) until the server has counted `count` SIP calls that ended with `outcome`. */
async function callsEnded(server: TestServer, outcome: string, count: number): Promise<void> {
  const deadline = performance.now() + 5_000;
  for (;;) {
    const value = (await scrapeUrl(server.url)).value('conclave_sip_calls_total', { outcome });
    if (value === count || performance.now() > deadline) {
      assert.equal(value, count, `SIP calls counted as ${outcome}`);
      return;
    }
    await sleep(100);
  }
}

describe('SIP endpoints and phones in a meeting', { skip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let tls: TestTls;
  let tlsPort: number;
  let folder: string;
  let ada: Participant;
  let bob: Participant;
  let open: MeetingView;

  before(async () => {
    tls = makeTestTls(mediaIp!);
    tlsPort = await freePort();
    folder = mkdtempSync(join(tmpdir(), 'conclave-sip-e2e-'));
    ({ server, browser } = await startEnvironment({
      server: {
        env: {
          CONCLAVE_SIP: 'embedded',
          CONCLAVE_SIP_DOMAIN: DOMAIN,
          CONCLAVE_SIP_TLS_PORT: String(tlsPort),
          CONCLAVE_SIP_TLS_CERT: tls.certFile,
          CONCLAVE_SIP_TLS_KEY: tls.keyFile,
          CONCLAVE_SIP_MAX_CALLS: '2',
        },
      },
    }));
    ada = await browser.newParticipant('Ada');
    await signIn(ada.context, server);
    bob = await browser.newParticipant('Bob');
    open = await createMeeting(ada.context, server, 'Open stand-up');
    await joinSignedIn(ada.page, open.joinUrl);
    await joinAsGuest(bob.page, open.joinUrl, 'Bob');
  });
  after(async () => {
    await stopEnvironment({ server, browser });
    tls?.remove();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const dialler = (account: string, more: { audioFile?: string; video?: boolean } = {}) =>
    Baresip.start({
      ip: mediaIp!,
      proxy: `${mediaIp!}:${tlsPort}`,
      caFile: tls.caFile,
      account,
      ...more,
    });

  test('INTEROP-SIP, OPS-OBS: a SIP video endpoint dials the meeting’s extension over TLS with SRTP; both browsers see it as “Room 101 · SIP”, decode its picture and get its voice; it gets the meeting’s voices and a picture back; the server counts the call', async () => {
    const room = await dialler(`"Room 101" <sip:room101@${DOMAIN}>`);
    try {
      room.command(`/dial sip:${open.extension}@${DOMAIN}`);
      await room.waitFor(/Call established/, 30_000);
      for (const { page } of [ada, bob]) {
        const caller = await remoteOfKind(page, 'sip');
        assert.equal(caller.displayName, 'Room 101');
        await waitForGrowth(page, caller.id, 'camera', { by: 30, timeoutMs: 20_000 });
        await waitForGrowth(page, caller.id, 'microphone', { by: 100, timeoutMs: 20_000 });
      }
      // Marked as a caller on its tile and in the Participants panel, not as a person of the organisation.
      const tile = ada.page.getByTestId('participant-tile').filter({ hasText: 'Room 101' });
      await tile.getByText('SIP', { exact: true }).waitFor({ timeout: 5_000 });
      const row = ada.page.getByTestId('participant-row').filter({ hasText: 'Room 101' });
      await ada.page
        .getByRole('button', { name: /Participants/ })
        .first()
        .click();
      await row.getByText('SIP', { exact: true }).waitFor({ timeout: 5_000 });

      // Let the meeting's voices and the speaker's picture flow to the endpoint a while, then hang up.
      await sleep(3_000);
      await callsEnded(server, 'entered', 1);
      const during = await scrapeUrl(server.url);
      assert.equal(during.value('conclave_sip_calls_active'), 1, 'one gateway page');
      room.command('/hangup');
      const stats = await room.callStats();
      assert.ok(stats.audio.received > 150, `audio packets the endpoint received: ${stats.audio.received}`);
      assert.ok(stats.video.received > 30, `video packets the endpoint received: ${stats.video.received}`);
      // Hung up, it leaves the meeting.
      await ada.page.waitForFunction(
        () =>
          ![
            ...((
              window as unknown as { __conclave?: { room?: { remoteParticipants: Map<string, Seen> } } }
            ).__conclave?.room?.remoteParticipants.values() ?? []),
          ].some((p) => p.kind === 'sip'),
        null,
        { timeout: 15_000 },
      );
    } finally {
      await room.stop();
    }
  });

  test('INTEROP-PSTN: a phone with no extension types the meeting number and passcode on its keypad (in-band tones); it enters that meeting audio only, by its number masked, and is heard', async () => {
    const guarded = await createMeeting(ada.context, server, 'Guarded review');
    const set = await ada.context.request.put(`${server.url}/api/meetings/${guarded.id}/passcode`, {
      data: { passcode: PASSCODE },
      headers: { 'x-conclave-csrf': await csrfToken(ada.context, server) },
    });
    assert.equal(set.status(), 200, await set.text());
    const gina = await browser.newParticipant('Gina');
    try {
      await gina.page.goto(guarded.joinUrl);
      await gina.page.getByLabel('Your name').fill('Gina');
      await gina.page.getByLabel('Passcode').fill(PASSCODE);
      await gina.page.getByRole('button', { name: 'Join meeting' }).click();
      await waitInMeeting(gina.page);

      const wav = keysWav(
        folder,
        [
          { at: 2.5, keys: `${guarded.extension}#` },
          { at: 8, keys: `${PASSCODE}#` },
        ],
        40,
      );
      const phone = await dialler(`<sip:+41441234567@${DOMAIN}>`, { audioFile: wav, video: false });
      try {
        phone.command(`/dial sip:dial-in@${DOMAIN}`);
        await phone.waitFor(/Call established/, 30_000);
        const caller = await remoteOfKind(gina.page, 'phone', 30_000);
        assert.equal(caller.displayName, 'Phone ••• ••• 45 67');
        await waitForGrowth(gina.page, caller.id, 'microphone', { by: 50, timeoutMs: 15_000 });
        // Not in the other meeting.
        const elsewhere = await ada.page.evaluate(() =>
          [
            ...((
              window as unknown as { __conclave?: { room?: { remoteParticipants: Map<string, Seen> } } }
            ).__conclave?.room?.remoteParticipants.values() ?? []),
          ].map((p) => p.kind),
        );
        assert.ok(!elsewhere.includes('phone'), 'the phone is not in the open meeting');
      } finally {
        await phone.stop();
      }
    } finally {
      await gina.context.close();
    }
  });

  test('E2EE-LIMITS, OPS-OBS: an end-to-end encrypted meeting refuses a SIP endpoint with 403 and says why; the refusal is counted', async () => {
    const secret = await createMeeting(ada.context, server, 'Board', { e2ee: true });
    const endpoint = await dialler(`"Room 101" <sip:room101@${DOMAIN}>`);
    try {
      endpoint.command(`/dial sip:${secret.extension}@${DOMAIN}`);
      await endpoint.waitFor(/403 Forbidden|403 /, 20_000);
      assert.doesNotMatch(endpoint.log, /Call established/);
      await callsEnded(server, 'refused_e2ee', 1);
    } finally {
      await endpoint.stop();
    }
  });
});
