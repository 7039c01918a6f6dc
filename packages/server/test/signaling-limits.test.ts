import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerMessageOf } from '@conclave/protocol';
import type { MeetingRecord } from '../src/domain';
import { janusUnavailableReason } from './media-support/janus';
import { openSocket, SignalClient, startSignalingServer } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

/** Everything a stranger can open is bounded: seats, sockets per address and per guest token, idle sockets. */
describe('signaling resource limits', { skip }, () => {
  let server: Awaited<ReturnType<typeof startSignalingServer>>;
  let meeting: MeetingRecord;
  const clients: SignalClient[] = [];
  const connect = async (cookie?: string) => {
    const c = await SignalClient.connect(server.url, cookie ? { cookie } : {});
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startSignalingServer({ maxParticipants: 3, maxSocketsPerAddress: 8, joinTimeoutMs: 400 });
    meeting = server.directory.meeting('m-limits', 'org-1', 'Small room');
    for (const name of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']) server.directory.user(name, 'org-1', name);
    server.directory.guest('gina-token', meeting, 'Gina');
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    await server?.stop();
  });
  const closeAll = async () => {
    for (const c of clients.splice(0)) {
      c.close();
      await c.closed().catch(() => undefined);
    }
  };

  test('MEET-CREATE: a meeting holds at most its participant cap, even when joins arrive together', async () => {
    const sockets = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => connect(u)));
    const replies = await Promise.all(sockets.map((c) => c.request({ type: 'join', meetingId: meeting.id })));
    const joined = replies.filter((r) => r.type === 'joined');
    const full = replies.filter((r): r is ServerMessageOf<'error'> => r.type === 'error');
    assert.equal(joined.length, 3, JSON.stringify(replies.map((r) => r.type)));
    assert.deepEqual(
      full.map((e) => e.code),
      ['meeting_full', 'meeting_full'],
    );
    assert.match(full[0]!.message, /full/);
    assert.equal(server.rooms.room(meeting.id)?.participants.size, 3);
    await closeAll();
  });

  test('IAM-GUEST: one live connection per guest token: a second one replaces the first', async () => {
    const first = await connect();
    const joined = await first.request({ type: 'join', meetingId: meeting.id, guestToken: 'gina-token' });
    assert.equal(joined.type, 'joined');
    const second = await connect();
    assert.equal(
      (await second.request({ type: 'join', meetingId: meeting.id, guestToken: 'gina-token' })).type,
      'joined',
    );
    const ended = await first.next('disconnected');
    assert.equal(ended.reason, 'replaced');
    await first.closed();
    const room = server.rooms.room(meeting.id)!;
    assert.equal([...room.participants.values()].filter((p) => p.principal.kind === 'guest').length, 1);
    await closeAll();
  });

  test('IAM-ROLES: sockets per address are capped at the handshake; a closed one frees its place', async () => {
    const open = await Promise.all(Array.from({ length: 8 }, () => openSocket(server.url)));
    await assert.rejects(openSocket(server.url), (err: { status?: number }) => err.status === 429);
    open[0]!.close();
    await new Promise((r) => open[0]!.once('close', r));
    await new Promise((r) => setTimeout(r, 50));
    const again = await openSocket(server.url);
    for (const ws of [...open, again]) ws.terminate();
    await new Promise((r) => setTimeout(r, 50));
  });

  test('IAM-ROLES: a socket that does not join soon is closed; a joined one stays', async () => {
    const idle = await connect();
    const member = await connect('u6');
    assert.equal((await member.request({ type: 'join', meetingId: meeting.id })).type, 'joined');
    assert.equal(await idle.closed(3_000), 1008);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(member.open, true);
    assert.equal((await member.request({ type: 'ping' })).type, 'pong');
    await closeAll();
  });
});
