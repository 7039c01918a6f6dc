import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LobbyMode, MeetingPublicView, MeetingView, ServerMessage } from '@conclave/protocol';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { FakeCapture } from './support/fake-capture';
import { InProcessNodes } from './support/cluster-fakes';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { publishSynthetic } from './media-support/sdp';
import { startAppWithSignaling } from './media-support/signaling-app';
import { startTestMediaPlane } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

type Node = Awaited<ReturnType<typeof startAppWithSignaling>>;

const joined = (m: ServerMessage) => {
  assert.equal(m.type, 'joined', JSON.stringify(m));
  return m;
};

/**
 * Two control-plane nodes in one process, sharing a database and a real Janus, wired by the in-process
 * bus: the forwarding itself, without Redis (the 3-process run over Redis is test/e2e/scale-out). Bob
 * and Carol are signed in through the first, which a test must therefore keep running.
 */
async function startTwoNodes(
  names: [string, string],
  options: { tickMs?: number; secondDraining?: () => boolean } = {},
) {
  const database = await createTestDatabase('sqlite');
  const media = await startTestMediaPlane();
  const nodes = new InProcessNodes();
  // One for the installation: whichever node holds a meeting starts its capture.
  const capture = new FakeCapture();
  const start = (name: string, draining?: () => boolean) =>
    startAppWithSignaling(database, {
      media: media.media,
      cluster: nodes.node(name, options.tickMs),
      capture,
      ...(draining && { draining }),
    });
  const first = await start(names[0]);
  const second = await start(names[1], options.secondDraining);
  const { client: admin, session } = await setUp(first.t);
  const organisationId = session.organisation.id;
  const [bob, carol] = await signedInUsers(first.t, database, organisationId, ['Bob', 'Carol']);
  return {
    database,
    nodes,
    first,
    second,
    bob: bob,
    carol: carol,
    admin,
    capture,
    organisationId,
    async stop() {
      await first.stop();
      await second.stop();
      await media.stop();
      await database.close();
    },
  };
}

/** Opens a socket through `node` as `who` and asks to join the meeting; the reply as it came. */
async function open(node: Node, who: TestClient, meetingId: string) {
  const s = await node.socketOf(who);
  return { s, reply: await s.request({ type: 'join', meetingId }) };
}

describe('one meeting across two control-plane nodes', { skip }, () => {
  let env: Awaited<ReturnType<typeof startTwoNodes>>;
  let database: TestDatabase;
  let nodes: InProcessNodes;
  let a: Node;
  let b: Node;
  let bob: TestClient;
  let carol: TestClient;
  let organisationId: string;

  const meeting = async (name: string, lobby: LobbyMode = 'off') => {
    const res = await bob.post('/api/meetings', { name, lobby });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<MeetingView>();
  };
  const join = async (node: Node, who: TestClient | { name: string }, meetingId: string) => {
    const s = await node.socketOf('name' in who ? undefined : who);
    const reply = await s.request({
      type: 'join',
      meetingId,
      ...('name' in who && { displayName: who.name }),
    });
    return { s, reply };
  };
  const enter = async (node: Node, who: TestClient | { name: string }, meetingId: string) => {
    const { s, reply } = await join(node, who, meetingId);
    const frame = joined(reply);
    return { s, id: frame.participantId, roster: frame.participants };
  };

  before(async () => {
    env = await startTwoNodes(['node-a', 'node-b']);
    ({ database, nodes, first: a, second: b, bob, carol, organisationId } = env);
  });
  after(() => env?.stop());

  test('NET-SCALE, OPS-OBS: participants on two nodes see one roster, one media room, and each other’s mutes; each node’s metrics say what it owns and forwards', async () => {
    const m = await meeting('Across');
    const owner = await enter(a, bob, m.id);
    assert.equal(nodes.ownerOf(m.id), 'node-a', 'the first join claims the meeting for its node');
    const member = await enter(b, carol, m.id);
    assert.deepEqual(member.roster.map((p) => p.displayName).sort(), ['Bob', 'Carol']);
    await owner.s.next('participantJoined', (x) => x.participant.id === member.id);

    // Carol's publish travels to the owner, which asks the one Janus room; the answer comes back.
    await publishSynthetic(member.s);
    assert.equal(await roomsOf(b), 0, 'node b holds no room of its own');
    assert.equal(await roomsOf(a), 1);
    assert.equal(await gauge(a, 'conclave_cluster_meetings_owned'), 1);
    assert.equal(await gauge(a, 'conclave_cluster_participants_forwarded_in'), 1, 'Carol, through node b');
    assert.equal(await gauge(b, 'conclave_cluster_sockets_forwarded_out'), 1);
    await owner.s.next(
      'participantUpdated',
      (x) => x.participant.id === member.id && x.participant.tracks.length === 2,
    );

    const muted = await member.s.request({ type: 'setMute', rid: 'm1', source: 'microphone', muted: true });
    assert.equal(muted.type, 'ack');
    await owner.s.next(
      'participantUpdated',
      (x) =>
        x.participant.id === member.id &&
        x.participant.tracks.some((t) => t.source === 'microphone' && t.muted),
    );

    // The owner (a moderator, on node a) mutes Carol's camera: she hears of it on node b.
    const byModerator = await owner.s.request({
      type: 'muteParticipants',
      participantIds: [member.id],
      source: 'camera',
      allowUnmute: false,
    });
    assert.equal(byModerator.type, 'ack');
    const notice = await member.s.next('mutedByModerator');
    assert.equal(notice.source, 'camera');
    const refused = await member.s.request({ type: 'setMute', source: 'camera', muted: false });
    assert.equal(
      refused.type === 'error' && refused.code,
      'muted_by_moderator',
      'the owner’s refusal reaches node b',
    );

    const left = await member.s.request({ type: 'leave' });
    assert.equal(left.type, 'ack');
    const gone = await owner.s.next('participantLeft');
    assert.deepEqual([gone.participantId, gone.reason], [member.id, 'left']);
  });

  test('REC-NOTICE, NET-SCALE: a recording started on the meeting’s node is told to a participant of the other node, in its joined and on the join page that node serves', async () => {
    const enabled = await env.admin.patch('/api/settings', { recording: { enabled: true } });
    assert.equal(enabled.statusCode, 200);
    try {
      const m = await meeting('Recorded across');
      const owner = await enter(a, bob, m.id);
      const early = await enter(b, carol, m.id);
      assert.equal((await owner.s.request({ type: 'startRecording' })).type, 'ack');
      assert.ok(env.capture.running(m.id, 'recording'), 'the owning node started the capture');
      assert.equal((await early.s.next('recordingChanged')).recording?.by, 'Bob', 'forwarded to node b');

      const publicOn = async (node: Node) =>
        (
          await node.t.app.inject({ method: 'GET', url: `/api/meetings/${m.id}/public` })
        ).json<MeetingPublicView>();
      // Node b reads the owning node's room state, written as it changes.
      const deadline = Date.now() + 5_000;
      while ((await publicOn(b)).recording === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal((await publicOn(b)).recording?.by, 'Bob');
      assert.equal((await publicOn(a)).recording?.by, 'Bob');

      const late = joined((await join(b, { name: 'Gina' }, m.id)).reply);
      assert.ok(late.type === 'joined');
      assert.equal(late.recording?.by, 'Bob', 'a later joiner through node b sees it in joined');
      assert.equal((await early.s.request({ type: 'stopRecording' })).type, 'error', 'Carol may not stop it');
      assert.equal((await owner.s.request({ type: 'stopRecording' })).type, 'ack');
      while ((await publicOn(b)).recording !== null && Date.now() < deadline + 5_000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal((await publicOn(b)).recording, null);
      owner.s.close();
      early.s.close();
    } finally {
      await env.admin.patch('/api/settings', { recording: { enabled: false } });
    }
  });

  test('NET-SCALE, MEET-RECONNECT: a socket that drops on its node keeps its participant on the owner until it resumes through the other node under its id; closed on purpose, it leaves at once', async () => {
    const m = await meeting('Dropping');
    const owner = await enter(a, bob, m.id);
    const member = await join(b, carol, m.id);
    const first = joined(member.reply);
    assert.ok(first.type === 'joined' && first.resumeToken);
    await owner.s.next('participantJoined', (x) => x.participant.id === first.participantId);
    member.s.drop();
    const back = await a.socketOf(carol);
    const again = joined(
      await back.request({
        type: 'join',
        meetingId: m.id,
        resume: { participantId: first.participantId, token: first.resumeToken },
      }),
    );
    assert.ok(again.type === 'joined' && again.resumed === true);
    assert.equal(again.participantId, first.participantId, 'the same participant');
    assert.ok(!owner.s.received.some((x) => x.type === 'participantLeft'), 'Bob never saw Carol leave');
    back.close();
    const gone = await owner.s.next('participantLeft');
    assert.deepEqual([gone.participantId, gone.reason], [first.participantId, 'disconnected']);
  });

  test('NET-SCALE: a guest waiting in the lobby on one node is admitted and removed by a moderator on another', async () => {
    const m = await meeting('Lobby across', 'guests');
    const owner = await enter(a, bob, m.id);
    const guest = await join(b, { name: 'Gina' }, m.id);
    assert.equal(guest.reply.type, 'waiting', JSON.stringify(guest.reply));
    const list = await owner.s.next('lobby', (l) => l.waiting.length === 1);
    const admitted = await owner.s.request({ type: 'admit', participantIds: [list.waiting[0]!.id] });
    assert.equal(admitted.type, 'ack');
    const inside = joined(await guest.s.next('joined'));
    await owner.s.request({ type: 'removeParticipants', participantIds: [inside.participantId] });
    const end = await guest.s.next('disconnected');
    assert.equal(end.reason, 'removed');
    assert.equal(await guest.s.closed(), 1000);
  });

  test('NET-SCALE: a meeting deleted and a session signed out through one node end the sockets on the others', async () => {
    const m = await meeting('Deleted elsewhere');
    const owner = await enter(b, bob, m.id);
    const [dave] = await signedInUsers(a.t, database, organisationId, ['Dave']);
    const member = await enter(b, dave, m.id);
    const signedOut = await dave.post('/api/auth/sign-out', {});
    assert.equal(signedOut.statusCode < 300, true, signedOut.body);
    assert.equal((await member.s.next('disconnected')).reason, 'session_ended');

    const deleted = await bob.delete(`/api/meetings/${m.id}`);
    assert.equal(deleted.statusCode < 300, true, deleted.body);
    assert.equal((await owner.s.next('disconnected')).reason, 'meeting_ended');
  });

  test('NET-SCALE: a node that finds its meeting taken over ends its room there, and its participants join the new owner', async () => {
    const m = await meeting('Taken over');
    const owner = await enter(a, bob, m.id);
    // Node a falls silent long enough for node b to take the meeting when Carol joins there.
    nodes.kill('node-a');
    const member = await enter(b, carol, m.id);
    assert.equal(nodes.ownerOf(m.id), 'node-b');
    nodes.revive('node-a');
    const told = await owner.s.next('disconnected');
    assert.equal(told.reason, 'server_shutdown', 'node a ended its stale room');
    const again = await enter(a, bob, m.id);
    assert.deepEqual(
      again.roster.map((p) => p.displayName).sort(),
      ['Bob', 'Carol'],
      'Bob joined again through node a into the room node b holds',
    );
    again.s.ws.terminate();
    member.s.ws.terminate();
  });

  test('NET-SCALE, MEET-MOD-REMOVE, MEET-MOD-MUTE: when the owner node dies, the node taking the meeting over resumes its participants elsewhere under their ids, with who was removed, promoted and muted', async () => {
    const m = await meeting('Remembers');
    const [dora] = await signedInUsers(a.t, database, organisationId, ['Dora']);
    const owner = await enter(b, bob, m.id);
    const member = await enter(a, carol, m.id);
    const promoted = await enter(a, dora, m.id);
    const gina = await enter(a, { name: 'Gina' }, m.id);
    assert.equal(nodes.ownerOf(m.id), 'node-b');
    const ack = async (message: Record<string, unknown> & { type: string }) =>
      assert.equal((await owner.s.request(message)).type, 'ack');
    await ack({ type: 'setModerator', participantId: promoted.id, moderator: true });
    await ack({
      type: 'muteParticipants',
      participantIds: [member.id],
      source: 'microphone',
      allowUnmute: false,
    });
    await ack({ type: 'removeParticipants', participantIds: [gina.id] });

    nodes.kill('node-b');
    // Node a finds the owner gone, takes the meeting over and seats its sockets again: nobody rejoins.
    const resumed = await member.s.next('joined', (j) => j.resumed === true);
    assert.equal(resumed.participantId, member.id, 'the same participant');
    assert.equal(nodes.ownerOf(m.id), 'node-a');
    assert.deepEqual(
      resumed.participants.map((p) => p.id).sort(),
      [owner.id, member.id, promoted.id].sort(),
      'the roster as it was (Bob, on the dead node, is waited for), without the removed guest',
    );
    const dorasView = await promoted.s.next('joined', (j) => j.resumed === true);
    assert.equal(
      dorasView.participants.find((p) => p.id === promoted.id)?.moderator,
      true,
      'still a moderator',
    );
    const unmute = await member.s.request({ type: 'setMute', source: 'microphone', muted: false });
    assert.equal(
      unmute.type === 'error' && unmute.code,
      'muted_by_moderator',
      'still muted by the moderator',
    );
    const newGuest = await join(a, { name: 'Gus' }, m.id);
    assert.equal(newGuest.reply.type, 'waiting', 'a guest was removed: every guest now waits');
    for (const s of [owner.s, member.s, promoted.s, newGuest.s, gina.s]) s.ws.terminate();
    nodes.revive('node-b');
  });

  test('NET-SCALE, CHAT-MEETING: a meeting’s chat crosses nodes both ways, and what was said outlives the owner node: the node taking over serves it', async () => {
    const m = await meeting('Chatty');
    const owner = await enter(b, bob, m.id);
    const member = await enter(a, carol, m.id);
    assert.equal(nodes.ownerOf(m.id), 'node-b');
    const said = async (s: typeof owner.s, body: string) =>
      assert.equal((await s.request({ type: 'sendChat', body })).type, 'ack');
    await said(member.s, 'From node a');
    assert.equal(
      (await owner.s.next('chat', (c) => c.message.body === 'From node a')).message.participantId,
      member.id,
    );
    await said(owner.s, 'From node b');
    await member.s.next('chat', (c) => c.message.body === 'From node b');

    nodes.kill('node-b');
    await member.s.next('joined', (j) => j.resumed === true);
    const history = await member.s.next('chatHistory', (h) => h.messages.length > 0);
    assert.deepEqual(
      history.messages.map((l) => l.body),
      ['From node a', 'From node b'],
    );
    await said(member.s, 'Still here');
    await member.s.next('chat', (c) => c.message.body === 'Still here');
    for (const s of [owner.s, member.s]) s.ws.terminate();
    nodes.revive('node-b');
  });

  test('NET-SCALE: a participant whose socket died with the owner node resumes through another node with its token, under its id; anyone else’s try is refused', async () => {
    const m = await meeting('Owner dies');
    const first = await join(b, carol, m.id);
    const carolJoined = joined(first.reply);
    assert.ok(carolJoined.resumeToken, 'a node of a cluster hands out resume tokens');
    const second = await enter(a, bob, m.id);
    assert.equal(nodes.ownerOf(m.id), 'node-b');
    nodes.kill('node-b');
    const resumed = await second.s.next('joined', (j) => j.resumed === true);
    assert.equal(nodes.ownerOf(m.id), 'node-a', 'the live node claimed the meeting');
    assert.deepEqual(resumed.participants.map((p) => p.displayName).sort(), ['Bob', 'Carol']);

    const resume = { participantId: carolJoined.participantId, token: carolJoined.resumeToken };
    const wrongPerson = await a.socketOf(bob);
    const refused = await wrongPerson.request({ type: 'join', meetingId: m.id, resume });
    assert.equal(refused.type === 'error' && refused.code, 'resume_failed', 'Bob cannot take Carol’s place');
    const wrongToken = await a.socketOf(carol);
    const forged = await wrongToken.request({
      type: 'join',
      meetingId: m.id,
      resume: { ...resume, token: 'x'.repeat(32) },
    });
    assert.equal(forged.type === 'error' && forged.code, 'resume_failed', 'a guessed token is refused');

    // Carol's client, its socket gone with node b, comes back through node a with its token.
    const back = await a.socketOf(carol);
    const again = joined(await back.request({ type: 'join', meetingId: m.id, resume }));
    assert.equal(again.resumed, true);
    assert.equal(again.participantId, carolJoined.participantId, 'the same participant');
    const twice = await (await a.socketOf(carol)).request({ type: 'join', meetingId: m.id, resume });
    assert.equal(twice.type === 'error' && twice.code, 'resume_failed', 'a participation is taken up once');
    assert.equal((await back.request({ type: 'leave' })).type, 'ack');
    const left = await second.s.next('participantLeft');
    assert.equal(left.participantId, carolJoined.participantId, 'Bob sees the same Carol leave');
    for (const s of [first.s, second.s, wrongPerson, wrongToken, back]) s.ws.terminate();
    nodes.revive('node-b');
  });

  test('NET-SCALE, MEET-LOBBY: people waiting in the lobby when the owner node dies go on waiting, from when they began: a forwarded wait is seated again, one whose socket died resumes with its token, and the moderator admits both through the new owner', async () => {
    const m = await meeting('Lobby survives', 'guests');
    const host = await join(b, bob, m.id);
    const bobJoined = joined(host.reply);
    const gina = await join(a, { name: 'Gina' }, m.id);
    const gus = await join(b, { name: 'Gus' }, m.id);
    const waits = [gina.reply, gus.reply].map((r) => {
      assert.equal(r.type, 'waiting', JSON.stringify(r));
      return r;
    });
    assert.ok(
      waits.every((w) => w.resumeToken),
      'a wait can be resumed too',
    );
    const before = await host.s.next('lobby', (l) => l.waiting.length === 2);
    assert.equal(nodes.ownerOf(m.id), 'node-b');

    nodes.kill('node-b');
    // Gina's node seats her wait again with whichever node takes the meeting over.
    const ginaAgain = await gina.s.next('waiting', (w) => w.resumed === true);
    assert.equal(ginaAgain.participantId, waits[0]!.participantId);
    assert.equal(nodes.ownerOf(m.id), 'node-a');
    // Bob's and Gus's sockets went with node b: their clients resume through node a.
    const bobBack = await a.socketOf(bob);
    const resumedHost = joined(
      await bobBack.request({
        type: 'join',
        meetingId: m.id,
        resume: { participantId: bobJoined.participantId, token: bobJoined.resumeToken! },
      }),
    );
    assert.equal(resumedHost.resumed, true);
    const gusWait = waits[1]!;
    const gusResume = {
      type: 'join' as const,
      meetingId: m.id,
      guestToken: gusWait.guestToken!,
      resume: { participantId: gusWait.participantId, token: 'y'.repeat(32) },
    };
    const guessed = await (await a.socketOf()).request(gusResume);
    assert.equal(guessed.type === 'error' && guessed.code, 'resume_failed', 'a guessed token is refused');
    const gusBack = await a.socketOf();
    const gusAgain = await gusBack.request({
      ...gusResume,
      resume: { participantId: gusWait.participantId, token: gusWait.resumeToken! },
    });
    assert.equal(gusAgain.type === 'waiting' && gusAgain.resumed, true, JSON.stringify(gusAgain));

    const after = await bobBack.next('lobby', (l) => l.waiting.length === 2);
    assert.deepEqual(
      after.waiting.map((w) => [w.id, w.since]).sort(),
      before.waiting.map((w) => [w.id, w.since]).sort(),
      'the same waits, from when they began',
    );
    const admitted = await bobBack.request({
      type: 'admit',
      participantIds: waits.map((w) => w.participantId),
    });
    assert.equal(admitted.type, 'ack');
    for (const [s, wait] of [
      [gina.s, waits[0]!],
      [gusBack, gusWait],
    ] as const) {
      const inside = joined(await s.next('joined'));
      assert.equal(inside.participantId, wait.participantId, 'admitted under the id it waited with');
    }
    for (const s of [host.s, gina.s, gus.s, bobBack, gusBack]) s.ws.terminate();
    nodes.revive('node-b');
  });

  test('NET-SCALE: a join that finds no node holding the meeting after four tries is refused with media_unavailable', async () => {
    const m = await meeting('Nobody holds it');
    // The lease names node b, which has no room for the meeting: it answers every seat with notOwner.
    nodes.giveLease(m.id, 'node-b');
    const started = performance.now();
    const { s, reply } = await open(a, carol, m.id);
    assert.equal(reply.type === 'error' && reply.code, 'media_unavailable', JSON.stringify(reply));
    assert.ok(performance.now() - started >= 50 + 100 + 150, 'after backing off between the four tries');
    assert.equal(await gauge(a, 'conclave_cluster_sockets_forwarded_out'), 0, 'no seat left behind');
    s.ws.terminate();
  });

  test('NET-SCALE: a resume nobody can take up is refused and leaves no room behind', async () => {
    const m = await meeting('Nothing to resume');
    const s = await a.socketOf(carol);
    const refused = await s.request({
      type: 'join',
      meetingId: m.id,
      resume: { participantId: '0'.repeat(26), token: 'x'.repeat(32) },
    });
    assert.equal(refused.type === 'error' && refused.code, 'resume_failed', JSON.stringify(refused));
    // The room made to look is gone again, and with it the node's claim on the meeting.
    for (let i = 0; nodes.ownerOf(m.id) !== undefined; i++) {
      assert.ok(i < 40, 'the node still holds the meeting it was asked to resume in');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    s.ws.terminate();
  });
});

/** A gauge's value in the node's /metrics (OPS-OBS). */
async function gauge(node: Node, name: string): Promise<number> {
  const res = await node.t.app.inject({ method: 'GET', url: '/metrics' });
  const line = res.body.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? 'NaN');
}

const roomsOf = (node: Node) => gauge(node, 'conclave_meetings_active');

describe('an owner that stops listening', { skip }, () => {
  let env: Awaited<ReturnType<typeof startTwoNodes>>;
  // Checks a minute apart: whatever happens sooner is not the periodic liveness check.
  before(async () => void (env = await startTwoNodes(['staying', 'dying'], { tickMs: 60_000 })));
  after(() => env?.stop());

  test('NET-SCALE: a request that reaches no owner seats its participant again at once, on a node that takes the meeting over', async () => {
    const { first: staying, second: dying, bob, carol, nodes } = env;
    const m = (await bob.post('/api/meetings', { name: 'Nobody listens' })).json<MeetingView>();
    assert.equal((await open(dying, bob, m.id)).reply.type, 'joined');
    const member = await open(staying, carol, m.id);
    assert.equal(member.reply.type, 'joined');
    nodes.kill('dying');
    member.s.send({ type: 'setMute', rid: 'lost', source: 'microphone', muted: true });
    const resumed = await member.s.next('joined', (j) => j.resumed === true, 1_000);
    assert.equal(resumed.participantId, joined(member.reply).participantId);
    assert.equal(nodes.ownerOf(m.id), 'staying');
  });
});

describe('a control-plane node shutting down', { skip }, () => {
  let env: Awaited<ReturnType<typeof startTwoNodes>>;
  /** Set as main.ts sets it on SIGTERM, for the notice the load balancer gets before the close. */
  let sigterm = false;
  before(
    async () => void (env = await startTwoNodes(['staying', 'leaving'], { secondDraining: () => sigterm })),
  );
  after(() => env?.stop());

  test('NET-SCALE: from SIGTERM on, a node takes no new meeting, and still forwards joins to meetings other nodes own', async () => {
    const { first: staying, second: leaving, bob, carol } = env;
    const running = (await bob.post('/api/meetings', { name: 'Elsewhere' })).json<MeetingView>();
    assert.equal((await open(staying, bob, running.id)).reply.type, 'joined');
    const fresh = (await bob.post('/api/meetings', { name: 'Not here' })).json<MeetingView>();
    sigterm = true;
    try {
      const refused = (await open(leaving, carol, fresh.id)).reply;
      assert.equal(refused.type === 'error' && refused.code, 'media_unavailable', JSON.stringify(refused));
      const forwarded = (await open(leaving, carol, running.id)).reply;
      assert.equal(forwarded.type, 'joined', JSON.stringify(forwarded));
    } finally {
      sigterm = false;
    }
  });

  test('NET-SCALE, MEET-LOBBY: a node shutting down hands its meetings over: a socket elsewhere is seated again (in the room or in the lobby), one on the node closes without a word and resumes through another node', async () => {
    const { first: staying, second: leaving, bob, carol } = env;
    const m = (await bob.post('/api/meetings', { name: 'Handed over', lobby: 'guests' })).json<MeetingView>();
    const owner = await open(leaving, bob, m.id);
    const bobJoined = joined(owner.reply);
    const member = await open(staying, carol, m.id);
    const carolJoined = joined(member.reply);
    const guest = await staying.socketOf();
    const knock = await guest.request({ type: 'join', meetingId: m.id, displayName: 'Gina' });
    assert.equal(knock.type, 'waiting', JSON.stringify(knock));

    const closing = leaving.stop();
    const seated = await member.s.next('joined', (j) => j.resumed === true);
    assert.equal(seated.participantId, carolJoined.participantId, 'Carol stays who she was');
    const stillWaiting = await guest.next('waiting', (w) => w.resumed === true);
    assert.equal(stillWaiting.participantId, knock.participantId, 'Gina goes on waiting');
    await owner.s.closed(); // Bob's socket goes with its node
    assert.ok(
      !owner.s.received.some((f) => f.type === 'disconnected'),
      'without a disconnected frame: his client resumes rather than joining again',
    );
    const back = await staying.socketOf(bob);
    const resumed = joined(
      await back.request({
        type: 'join',
        meetingId: m.id,
        resume: { participantId: bobJoined.participantId, token: bobJoined.resumeToken },
      }),
    );
    assert.equal(resumed.participantId, bobJoined.participantId, 'Bob is back as himself');
    assert.deepEqual(
      resumed.participants.map((p) => p.id).sort(),
      [bobJoined.participantId, carolJoined.participantId].sort(),
    );
    await closing;
  });
});
