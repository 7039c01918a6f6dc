import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EGRESS_PATH, EGRESS_SUBPROTOCOL } from '@conclave/protocol';
import type { WebSocket } from 'ws';
import { EgressCaptures } from '../src/recording/capture';
import { PUBLIC_URL } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';
import { openSocket } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

/**
 * The recorder socket (REC-START) against a stranger who reads the code: only a page of this
 * service's origin, saying hello with the token of a capture waiting for its recorder, at once, gets
 * anywhere; the sockets that have not said who they are are few.
 */
describe('the recorder socket', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let url: string;

  before(async () => {
    database = await createTestDatabase('sqlite');
    const recorders = new EgressCaptures({
      publicUrl: PUBLIC_URL,
      browser: '/bin/false',
      ffmpeg: '/bin/false',
      clock: { now: () => new Date() },
      output: () => Promise.reject(new Error('no output in this test')),
    });
    app = await startAppWithSignaling(database, { recorders });
    const address = app.t.app.server.address();
    url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${EGRESS_PATH}`;
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  const open = (origin?: string | null) =>
    openSocket(url, { protocol: EGRESS_SUBPROTOCOL, ...(origin !== undefined && { origin }) });

  test('REC-START: a page of another origin is refused at the handshake', async () => {
    await assert.rejects(open('https://evil.example'), { status: 403 });
  });

  test('REC-START: a hello with a token no capture waits for, media before any hello, or anything but JSON closes the socket (4403)', async () => {
    const unknown = await open();
    unknown.send(JSON.stringify({ type: 'hello', token: 'x'.repeat(43) }));
    assert.equal(await closed(unknown), 4403);
    const early = await open();
    early.send(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
    assert.equal(await closed(early), 4403);
    const garbage = await open();
    garbage.send('not json');
    assert.equal(await closed(garbage), 4403);
  });

  test('REC-START: a socket that says nothing is closed within seconds', async () => {
    const silent = await open();
    const started = performance.now();
    assert.equal(await closed(silent), 4403);
    assert.ok(performance.now() - started < 8_000);
  });

  test('REC-START: at most 16 sockets that have not said who they are, however many come at once; the next is refused (429) until one goes', async () => {
    const tries = await Promise.allSettled(Array.from({ length: 20 }, () => open()));
    const held = tries.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
    assert.equal(held.length, 16);
    assert.ok(
      tries.every((t) => t.status === 'fulfilled' || (t.reason as { status?: number }).status === 429),
    );
    held[0]!.terminate();
    await closed(held[0]!);
    await new Promise((r) => setTimeout(r, 100));
    const next = await open();
    next.terminate();
    for (const ws of held) ws.terminate();
  });
});
