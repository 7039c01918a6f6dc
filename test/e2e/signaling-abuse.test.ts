// A hostile client on the signaling socket: 500 malformed, oversized, unknown and unauthorised
// messages. Each gets an error frame; the socket stays usable; the server keeps running; and the two
// real participants keep decoding each other with an unchanged roster.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import type { GuestTokenView, ServerMessage } from '@conclave/protocol';
import type { TestBrowser } from './support/browser';
import { assertReceives, roster, type InMeeting } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { growthOver } from './support/media';
import { mediaSkipReason } from './support/sandbox';
import { adaHostsBob } from './support/scenes';
import type { TestServer } from './support/server';

/** Error codes of @conclave/protocol's ERROR_CODES that a bad message may earn. */
const BAD_MESSAGE_CODES = new Set([
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'meeting_not_found',
  'message_too_large',
  'unknown_message',
  'not_joined',
  'already_joined',
  'invalid_state',
  'rate_limited',
  'media_error',
]);

type Frame = string | Buffer;

/** The bad messages, in order. `joinFirst` marks where the client joins properly. */
function hostileMessages(meetingId: string): { before: Frame[]; after: Frame[] } {
  const big = 'x'.repeat(100 * 1024);
  const bogusSdp = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n';
  const shapes = (i: number): Frame[] => [
    '{',
    'not json at all',
    'null',
    '42',
    '[]',
    `"${'s'.repeat(i)}"`,
    JSON.stringify({}),
    JSON.stringify({ type: 'hack', rid: `u${i}` }),
    JSON.stringify({ type: '__proto__', rid: `p${i}` }),
    JSON.stringify({ type: 'constructor', rid: `c${i}` }),
    JSON.stringify({ type: 'join', rid: `j${i}` }),
    JSON.stringify({ type: 'join', rid: `jx${i}`, meetingId: 'x'.repeat(5000) }),
    JSON.stringify({ type: 'setMute', rid: `m${i}`, source: 'screen', muted: 'yes' }),
    JSON.stringify({ type: 'trickle', target: 'janus', candidate: { candidate: 42 } }),
    JSON.stringify({ type: 'publish', rid: `pb${i}`, sdp: '', tracks: [] }),
    JSON.stringify({ type: 'ping', rid: 'r'.repeat(500) }),
    JSON.stringify({ type: 'join', rid: `big${i}`, meetingId, guestToken: big }),
    big,
    Buffer.from([0xff, 0xfe, 0x00, 0x01, i & 0xff]),
  ];
  const beforeJoin: Frame[] = [];
  for (let i = 0; beforeJoin.length < 200; i++) {
    beforeJoin.push(
      ...shapes(i),
      // Unauthorised before joining: acting in a meeting it is not in, joining with forged credentials.
      JSON.stringify({
        type: 'publish',
        rid: `np${i}`,
        sdp: bogusSdp,
        tracks: [{ mid: '0', source: 'camera' }],
      }),
      JSON.stringify({ type: 'setMute', rid: `nm${i}`, source: 'microphone', muted: true }),
      JSON.stringify({ type: 'subscriptionAnswer', rid: `ns${i}`, sdp: bogusSdp }),
      JSON.stringify({ type: 'join', rid: `nj${i}`, meetingId: randomUUID(), guestToken: 'forged' }),
      JSON.stringify({ type: 'join', rid: `nf${i}`, meetingId, guestToken: `forged.${i}.token` }),
    );
  }
  const afterJoin: Frame[] = [];
  for (let i = 0; afterJoin.length < 300; i++) {
    afterJoin.push(
      ...shapes(i),
      // Unauthorised or out of order once joined: a second join, another meeting, a bogus offer and answer.
      JSON.stringify({ type: 'join', rid: `aj${i}`, meetingId }),
      JSON.stringify({ type: 'join', rid: `ao${i}`, meetingId: randomUUID() }),
      JSON.stringify({ type: 'subscriptionAnswer', rid: `as${i}`, sdp: bogusSdp }),
      JSON.stringify({
        type: 'publish',
        rid: `ap${i}`,
        sdp: 'garbage',
        tracks: [{ mid: '0', source: 'camera' }],
      }),
      JSON.stringify({ type: 'setMute', rid: `am${i}`, source: 'camera', muted: 1 }),
    );
  }
  return { before: beforeJoin.slice(0, 200), after: afterJoin.slice(0, 300) };
}

/** A raw signaling client that counts what it receives. */
class RawClient {
  readonly frames: ServerMessage[] = [];
  readonly unparsable: string[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      try {
        this.frames.push(JSON.parse(text) as ServerMessage);
      } catch {
        this.unparsable.push(text.slice(0, 200));
      }
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static async connect(server: TestServer): Promise<RawClient> {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/signal`, 'conclave.v1', {
      origin: server.url,
      maxPayload: 1024 * 1024,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    return new RawClient(ws);
  }

  errors() {
    return this.frames.filter((f): f is Extract<ServerMessage, { type: 'error' }> => f.type === 'error');
  }

  /**
   * Sends frames at `perSecond` (in bursts every 250 ms): below the server's per-socket message rate
   * limit, so each message is actually parsed and authorised rather than refused as a flood.
   */
  async send(frames: Frame[], perSecond = 40): Promise<void> {
    const burst = Math.max(1, Math.floor(perSecond / 4));
    for (let i = 0; i < frames.length; i += burst) {
      if (i > 0) await new Promise((r) => setTimeout(r, 250));
      for (const f of frames.slice(i, i + burst)) {
        await new Promise<void>((resolve, reject) =>
          this.ws.send(f, (err) => (err ? reject(err) : resolve())),
        );
      }
    }
  }

  /** Resolves with the first frame matching `pred` (already received or arriving within timeoutMs). */
  async waitFor(
    pred: (f: ServerMessage) => boolean,
    what: string,
    timeoutMs = 15_000,
  ): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = this.frames.find(pred);
      if (f) return f;
      if (this.closed)
        throw new Error(
          `socket closed (${this.closed.code} ${this.closed.reason}) while waiting for ${what}`,
        );
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

describe('signaling robustness', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let ada: InMeeting;
  let bob: InMeeting;
  let meetingId: string;

  before(async () => {
    if (skip) return;
    ({ server, browser } = await startEnvironment());
    const scene = await adaHostsBob(browser, server, 'Robustness');
    ({ ada, bob } = scene);
    meetingId = scene.meeting.id;
    await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
  });

  after(() => stopEnvironment({ server, browser }));

  test(
    '500 malformed, oversized, unknown and unauthorised messages each get an error frame and disturb nobody',
    { skip },
    async (t) => {
      const messages = hostileMessages(meetingId);
      assert.equal(messages.before.length + messages.after.length, 500);
      const client = await RawClient.connect(server);

      // Phase 1: not joined.
      await client.send(messages.before);
      await client.send([JSON.stringify({ type: 'ping', rid: 'after-phase-1' })]);
      await client.waitFor((f) => f.type === 'pong' && f.rid === 'after-phase-1', 'pong after phase 1');

      // Join properly as a guest, so phase 2 comes from a participant of the meeting.
      const tokenRes = await fetch(`${server.url}/api/meetings/${meetingId}/guests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'Mallory' }),
      });
      assert.equal(tokenRes.status, 201);
      const { token } = (await tokenRes.json()) as GuestTokenView;
      await client.send([JSON.stringify({ type: 'join', rid: 'real-join', meetingId, guestToken: token })]);
      const joined = await client.waitFor(
        (f) => 'rid' in f && f.rid === 'real-join',
        'answer to the real join',
      );
      assert.equal(joined.type, 'joined', `the real join was refused: ${JSON.stringify(joined)}`);
      const malloryId = joined.participantId;

      // What the real participants show once Mallory is in, before the attack goes on.
      await waitUntil(
        async () => (await roster(ada.page)).length === 3 && (await roster(bob.page)).length === 3,
      );
      const rosterBefore = { ada: await roster(ada.page), bob: await roster(bob.page) };

      // Phase 2: joined; media must keep flowing while this goes on.
      const sending = client.send(messages.after);
      const [adaGrowth, bobGrowth] = await Promise.all([
        growthOver(ada.page, bob.id, 'camera', 'framesDecoded', 3_000),
        growthOver(bob.page, ada.id, 'camera', 'framesDecoded', 3_000),
      ]);
      await sending;
      await client.send([JSON.stringify({ type: 'ping', rid: 'after-phase-2' })]);
      await client.waitFor(
        (f) => f.type === 'pong' && f.rid === 'after-phase-2',
        'pong after phase 2',
        30_000,
      );

      // Every bad message earned exactly one error frame with a known code and a message.
      const errors = client.errors();
      const unknownCodes = errors.filter((e) => !BAD_MESSAGE_CODES.has(e.code) || !e.message);
      assert.deepEqual(unknownCodes.slice(0, 5), [], 'error frames with an unexpected code or no message');
      const byCode = new Map<string, number>();
      for (const e of errors) byCode.set(e.code, (byCode.get(e.code) ?? 0) + 1);
      t.diagnostic(`error frames by code: ${JSON.stringify(Object.fromEntries(byCode))}`);
      assert.equal(errors.length, 500, `expected 500 error frames, got ${errors.length}`);
      // Sent below the rate limit, so (nearly) every message was judged on its content.
      assert.ok(
        (byCode.get('rate_limited') ?? 0) <= 50,
        'most messages were refused by the rate limit unread',
      );
      assert.ok(
        (byCode.get('message_too_large') ?? 0) > 0,
        'oversized frames did not earn message_too_large',
      );
      assert.deepEqual(client.unparsable, [], 'the server sent frames that are not JSON');
      assert.equal(client.closed, null, 'the server closed the hostile client’s socket');
      assert.ok(server.running, 'the server process died');

      // The others were not disturbed: media kept decoding during the attack and afterwards…
      assert.ok(adaGrowth > 20, `Ada decoded only ${adaGrowth} of Bob's frames during the attack`);
      assert.ok(bobGrowth > 20, `Bob decoded only ${bobGrowth} of Ada's frames during the attack`);
      await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
      // …and their rosters are as before (Mallory's bad messages changed nothing about anyone).
      assert.deepEqual(await roster(ada.page), rosterBefore.ada);
      assert.deepEqual(await roster(bob.page), rosterBefore.bob);
      assert.ok(
        rosterBefore.ada.some((e) => e.id === malloryId),
        'Mallory (joined as a guest) should be in the roster',
      );

      client.ws.close();
    },
  );
});

async function waitUntil(cond: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
