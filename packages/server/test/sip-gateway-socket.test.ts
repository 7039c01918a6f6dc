// The SIP gateway pages' socket (INTEROP-SIP, docs/sip.md) against a stranger who reads the code: only
// the page launched for a ringing call, from this service's origin, saying hello with that call's
// token, once, gets anywhere; and what the page says drives the call: its answer answers it, its
// keys reach the IVR, its leaving hangs it up.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SIP_GATEWAY_PATH, SIP_GATEWAY_SUBPROTOCOL, type SipGatewayServerMessage } from '@conclave/protocol';
import type { WebSocket } from 'ws';
import type { JanusHandle, Jsep } from '../src/media/janus-client';
import { GatewayPages } from '../src/sip';
import { SipCall } from '../src/sip/gateway-line';
import { PUBLIC_URL } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';
import { openSocket } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
const next = (ws: WebSocket) =>
  new Promise<SipGatewayServerMessage>((resolve) =>
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as SipGatewayServerMessage)),
  );

/** A ringing call on a stand-in Janus SIP handle that records what the gateway asks of it. */
function ringingCall() {
  const requests: Array<{ body: Record<string, unknown>; jsep?: Jsep }> = [];
  const handle = {
    send: async (body: Record<string, unknown>, jsep?: Jsep) => {
      requests.push({ body, ...(jsep && { jsep }) });
      return { data: {} };
    },
  } as unknown as JanusHandle;
  const call = new SipCall(
    {
      callId: 'c1',
      caller: 'sip:room101@sip.test',
      displayName: 'Room 101',
      extension: '1234567',
      srtp: 'mandatory',
      trunk: null,
    },
    { type: 'offer', sdp: 'v=0 offer' },
    handle,
  );
  return { call, requests };
}

describe('the SIP gateway pages’ socket', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let url: string;
  let sipPages: GatewayPages;
  /** The address each launched page would open: its token is in it. */
  const launched: string[] = [];
  const closedBrowsers: string[] = [];

  before(async () => {
    database = await createTestDatabase('sqlite');
    sipPages = new GatewayPages({
      publicUrl: PUBLIC_URL,
      browser: '/bin/false',
      issueToken: async () => 'guest-token-for-the-caller',
      stepTimeoutMs: 5_000,
      launch: async (href) => {
        launched.push(href);
        return { close: async () => void closedBrowsers.push(href) };
      },
    });
    app = await startAppWithSignaling(database, { sipPages });
    const address = app.t.app.server.address();
    url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${SIP_GATEWAY_PATH}`;
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  const open = (origin?: string | null) =>
    openSocket(url, { protocol: SIP_GATEWAY_SUBPROTOCOL, ...(origin !== undefined && { origin }) });
  const tokenOf = (href: string) => new URLSearchParams(new URL(href).hash.slice(1)).get('token')!;

  test('INTEROP-SIP: a page of another origin is refused at the handshake; an unknown token, an early message or garbage closes the socket (4403)', async () => {
    await assert.rejects(open('https://evil.example'), { status: 403 });
    const unknown = await open();
    unknown.send(JSON.stringify({ type: 'hello', token: 'x'.repeat(43) }));
    assert.equal(await closed(unknown), 4403);
    const early = await open();
    early.send(JSON.stringify({ type: 'dtmf', digit: '5' }));
    assert.equal(await closed(early), 4403);
    const garbage = await open();
    garbage.send('not json');
    assert.equal(await closed(garbage), 4403);
  });

  test('INTEROP-SIP, INTEROP-PSTN: the launched page gets the offer, its answer answers the call with SRTP; its keys reach the call; its token opens nothing a second time; its leaving hangs the call up and closes its browser', async () => {
    const { call, requests } = ringingCall();
    // As DialIn does when a call rings: the page is launched, and answering waits for it.
    const answering = sipPages.answer(call);
    const page = await open();
    const pageClosed = closed(page);
    await waitUntil(() => launched.length > 0);
    const token = tokenOf(launched.at(-1)!);
    const offer = next(page);
    page.send(JSON.stringify({ type: 'hello', token }));
    assert.deepEqual(await offer, { type: 'offer', sdp: 'v=0 offer' });
    page.send(JSON.stringify({ type: 'answer', sdp: 'v=0 answer' }));
    const answered = await answering;
    assert.deepEqual(requests[0], {
      body: { request: 'accept', srtp: 'sdes_mandatory', autoaccept_reinvites: true },
      jsep: { type: 'answer', sdp: 'v=0 answer' },
    });

    // The same token again: the page was taken.
    const twice = await open();
    twice.send(JSON.stringify({ type: 'hello', token }));
    assert.equal(await closed(twice), 4403);

    const digits: string[] = [];
    call.on('dtmf', (digit) => digits.push(digit));
    page.send(JSON.stringify({ type: 'dtmf', digit: '7' }));
    await waitUntil(() => digits.length > 0);
    assert.deepEqual(digits, ['7']);

    // A prompt is played, then the caller enters with a guest token of its own.
    const prompt = next(page);
    const played = answered.prompt('extension');
    assert.deepEqual(await prompt, { type: 'prompt', prompt: 'extension' });
    page.send(JSON.stringify({ type: 'prompted' }));
    await played;

    page.send(JSON.stringify({ type: 'left', reason: 'removed by a moderator' }));
    await waitUntil(() => requests.some((r) => r.body.request === 'hangup'));
    call.end('200 to BYE');
    await waitUntil(() => closedBrowsers.length > 0);
    assert.equal(await pageClosed, 1000);
  });
});

async function waitUntil(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
