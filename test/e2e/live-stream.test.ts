// Streaming a meeting live as people do it (STREAM-TOGGLE, STREAM-LIVE): a Superuser or Administrator
// enables it for the meeting, the owner goes live from the control bar, and a viewer in another
// browser watches through HLS with AES-128 segments, a few seconds behind the meeting. Real server,
// Janus, browsers and ffmpeg.
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import type { MeetingView, Settings } from '@conclave/protocol';
import { arrange } from '@conclave/web/src/egress/layout';
import type { APIRequestContext, Page } from 'playwright-core';
import { createMeeting, csrfToken, joinAsGuest, joinSignedIn, signIn, updateSettings } from './support/app';
import type { Participant, TestBrowser } from './support/browser';
import { CAMERA_CODES } from './support/camera';
import { startEnvironment, stopEnvironment } from './support/environment';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason() ?? false;

/** The green of a camera cell where its code has a 0 (support/camera.ts), at one point of a tile. */
async function greenAt(page: Page, x: number, y: number): Promise<number> {
  return page.getByTestId('live-player').evaluate(
    (video: HTMLVideoElement, [px, py]) => {
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const c = canvas.getContext('2d', { willReadFrequently: true })!;
      c.drawImage(video, 0, 0);
      return c.getImageData(px!, py!, 1, 1).data[1]!;
    },
    [x, y],
  );
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - start;
}

describe('streaming a meeting live', { skip }, () => {
  let server: TestServer;
  let browser: TestBrowser;
  let owner: Participant;
  let gina: Participant;
  let viewer: Participant;
  let meeting: MeetingView;
  const streamUrl = () => `${server.url}/api/streams/${meeting.id}`;

  before(async () => {
    ({ server, browser } = await startEnvironment());
    owner = await browser.newParticipant('Ada');
    await signIn(owner.context, server);
    gina = await browser.newParticipant('Gina');
    viewer = await browser.newParticipant('Viewer');
  });
  after(() => stopEnvironment({ server, browser }));

  async function patchMeeting(body: object): Promise<number> {
    const res = await owner.context.request.patch(`${server.url}/api/meetings/${meeting.id}`, {
      data: body,
      headers: { 'x-conclave-csrf': await csrfToken(owner.context, server) },
    });
    return res.status();
  }

  test('STREAM-TOGGLE, STREAM-LIVE: with the meeting enabled for streaming, the owner goes live; a viewer in another browser, signed out, watches it through hls.js and sees a change in the meeting within 10 s', async () => {
    await updateSettings(owner.context, server, { streaming: { enabled: true, organisationOnly: false } });
    meeting = await createMeeting(owner.context, server, 'All hands');
    assert.equal(await patchMeeting({ streaming: true }), 200);
    await joinSignedIn(owner.page, meeting.joinUrl);
    await joinAsGuest(gina.page, meeting.joinUrl, 'Gina');

    await owner.page.getByRole('button', { name: 'Go live' }).click();
    await gina.page.getByTestId('stream-mark').waitFor({ timeout: 40_000 });

    await viewer.page.goto(`${server.url}/live/${meeting.id}`);
    await viewer.page.getByRole('heading', { level: 1, name: 'All hands' }).waitFor();
    await viewer.page
      .getByTestId('live-status')
      .filter({ hasText: /^Live$/ })
      .waitFor({ timeout: 30_000 });
    await until(
      () => viewer.page.getByTestId('live-player').evaluate((v: HTMLVideoElement) => v.videoWidth === 1280),
      'the stream shows its picture',
      20_000,
    );

    // Gina's tile, at a cell her camera leaves green: dark once she turns her camera off.
    const code = CAMERA_CODES[gina.cameraCode!]!;
    const cell = code.indexOf(0);
    const tile = arrange(2, 0, 1280, 720)[1]!;
    const x = Math.round(tile.x + ((cell % 4) + 0.5) * (tile.w / 4));
    const y = Math.round(tile.y + (Math.floor(cell / 4) + 0.3) * (tile.h / 2));
    await until(
      async () => (await greenAt(viewer.page, x, y)) > 120,
      'Gina’s camera is in the stream',
      15_000,
    );
    await gina.page.getByRole('button', { name: 'Turn off camera' }).click();
    const latency = await until(
      async () => (await greenAt(viewer.page, x, y)) < 80,
      'the stream shows Gina’s camera off',
      10_000,
    );
    console.log(`live stream latency (camera off → seen by the viewer): ${latency} ms`);
  });

  test('STREAM-LIVE: the segments are encrypted with AES-128 (no MPEG-TS without the key); with the key from the key endpoint they decrypt to MPEG-TS', async () => {
    const request: APIRequestContext = viewer.context.request;
    const playlist = await (await request.get(`${streamUrl()}/index.m3u8`)).text();
    assert.match(playlist, /#EXT-X-KEY:METHOD=AES-128,URI="key"/);
    const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1] ?? 0);
    const first = playlist.split('\n').find((line) => /^seg\d{5}\.ts$/.test(line.trim()))!;
    const segment = Buffer.from(await (await request.get(`${streamUrl()}/${first}`)).body());
    assert.ok(segment.length > 188 * 10);
    const syncs = (bytes: Buffer) => [0, 188, 376, 564].filter((at) => bytes[at] === 0x47).length;
    assert.ok(syncs(segment) < 2, 'not MPEG-TS as stored and sent');
    const key = Buffer.from(await (await request.get(`${streamUrl()}/key`)).body());
    assert.equal(key.length, 16);
    const iv = Buffer.alloc(16);
    iv.writeUInt32BE(sequence, 12);
    const clear = Buffer.concat([createDecipheriv('aes-128-cbc', key, iv).update(segment)]);
    assert.equal(syncs(clear), 4, 'MPEG-TS once decrypted');
  });

  test('STREAM-LIVE: restricted to the organisation, the key, the playlist and the segments are refused to a stranger and given to its people', async () => {
    const settings = (await (
      await owner.context.request.get(`${server.url}/api/settings`)
    ).json()) as Settings;
    await updateSettings(owner.context, server, {
      streaming: { ...settings.streaming, organisationOnly: true },
    });
    for (const path of ['key', 'index.m3u8']) {
      assert.equal((await viewer.context.request.get(`${streamUrl()}/${path}`)).status(), 404, path);
      assert.equal((await owner.context.request.get(`${streamUrl()}/${path}`)).status(), 200, path);
    }
    await updateSettings(owner.context, server, {
      streaming: { ...settings.streaming, organisationOnly: false },
    });
  });

  test('STREAM-LIVE: when the owner stops it, the stream is gone: nothing is served, nothing stays in the temporary folder', async () => {
    await owner.page.getByRole('button', { name: 'Stop live stream' }).click();
    await gina.page.getByTestId('stream-mark').waitFor({ state: 'detached', timeout: 20_000 });
    assert.equal((await viewer.context.request.get(`${streamUrl()}/index.m3u8`)).status(), 404);
    assert.equal((await viewer.context.request.get(`${streamUrl()}/key`)).status(), 404);
    const left = readdirSync(tmpdir()).filter((name) => name.startsWith('conclave-stream-'));
    assert.deepEqual(left, []);
  });
});
