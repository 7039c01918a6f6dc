import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ERROR_CODES,
  SIGNALING_PATH,
  type MeetingView,
  type ReadinessView,
  type ServerMessageOf,
} from '@conclave/protocol';
import { setUp, startTestApp, TestClient, PUBLIC_URL, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { scrape, type Scrape } from './support/metrics';
import { janusUnavailableReason } from './media-support/janus';
import { syntheticPublishOffer } from './media-support/sdp';
import { openSocket, SignalClient, startTestMediaPlane } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;
const ORIGIN = new URL(PUBLIC_URL).origin;
const MESSAGE_TYPES = ['join', 'publish', 'subscriptionAnswer', 'trickle', 'setMute', 'leave', 'ping'];
const LEAVE_REASONS = [
  'left',
  'disconnected',
  'removed',
  'media_failure',
  'meeting_ended',
  'server_shutdown',
];

/** The real app with signaling over a real Janus: what /metrics says after real sockets and requests. */
describe('signaling, room and media metrics', { skip }, () => {
  let database: TestDatabase;
  let media: Awaited<ReturnType<typeof startTestMediaPlane>>;
  let t: TestApp;
  let url: string;
  let owner: TestClient;

  const newMeeting = async (name: string) =>
    (await owner.post('/api/meetings', { name })).json<MeetingView>();
  const ownerSocket = () => SignalClient.connect(url, { origin: ORIGIN, cookieHeader: owner.cookie ?? '' });
  const guestSocket = async (meetingId: string, displayName: string) => {
    const res = await new TestClient(t.app).post(`/api/meetings/${meetingId}/guests`, { displayName });
    const token = res.json<{ token: string }>().token;
    return { socket: await SignalClient.connect(url, { origin: ORIGIN }), token };
  };
  /** What moved between two scrapes. */
  const delta =
    (a: Scrape, b: Scrape) =>
    (name: string, labels: Record<string, string> = {}) =>
      b.value(name, labels) - a.value(name, labels);
  /** Scrapes until `check` passes: some gauges follow sockets that close asynchronously. */
  const eventually = async (check: (s: Scrape) => boolean, what: string): Promise<Scrape> => {
    for (const deadline = Date.now() + 5_000; ;) {
      const s = await scrape(t.app);
      if (check(s)) return s;
      if (Date.now() > deadline) assert.fail(`metrics never showed ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    database = await createTestDatabase('sqlite');
    media = await startTestMediaPlane();
    t = await startTestApp(database, { signaling: { media: media.media } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${SIGNALING_PATH}`;
    ({ client: owner } = await setUp(t));
  });
  after(async () => {
    await t?.close();
    await media?.stop();
    await database?.close();
  });

  test('OPS-OBS: sockets, messages, error frames, joins, leaves and join timings are counted', async () => {
    const meeting = await newMeeting('Counted meeting');
    const before = await scrape(t.app);

    const host = await ownerSocket();
    const { socket: guest, token } = await guestSocket(meeting.id, 'Gina');
    const joined = (await host.request({ type: 'join', meetingId: meeting.id })) as ServerMessageOf<'joined'>;
    assert.equal(joined.type, 'joined');
    assert.equal(
      (await guest.request({ type: 'join', meetingId: meeting.id, guestToken: token })).type,
      'joined',
    );
    const answer = await host.request({
      type: 'publish',
      sdp: syntheticPublishOffer(),
      tracks: [{ mid: '0', source: 'microphone' }],
    });
    assert.equal(answer.type, 'publishAnswer', JSON.stringify(answer));
    guest.send('this is not JSON');
    assert.equal((await guest.next('error')).code, 'bad_request');
    assert.equal((await guest.request({ type: 'join', meetingId: meeting.id })).type, 'error'); // already joined
    assert.equal((await guest.request({ type: 'ping' })).type, 'pong');

    const during = await scrape(t.app);
    const moved = delta(before, during);
    assert.equal(moved('conclave_signaling_sockets_open'), 2);
    assert.equal(during.value('conclave_meetings_active'), 1);
    assert.equal(during.value('conclave_participants_active'), 2);
    assert.equal(moved('conclave_signaling_messages_received_total', { type: 'join' }), 3);
    assert.equal(moved('conclave_signaling_messages_received_total', { type: 'publish' }), 1);
    assert.equal(moved('conclave_signaling_messages_received_total', { type: 'ping' }), 1);
    assert.equal(moved('conclave_signaling_messages_received_total', { type: 'invalid' }), 1);
    assert.equal(moved('conclave_signaling_errors_sent_total', { code: 'bad_request' }), 1);
    assert.equal(moved('conclave_signaling_errors_sent_total', { code: 'already_joined' }), 1);
    assert.equal(moved('conclave_signaling_errors_sent_total'), 2);
    assert.equal(moved('conclave_participant_joins_total', { kind: 'user' }), 1);
    assert.equal(moved('conclave_participant_joins_total', { kind: 'guest' }), 1);
    const steps = (step: string) => moved('conclave_join_step_seconds_count', { step });
    assert.equal(steps('join_to_joined'), 2);
    assert.equal(steps('publish_to_answer'), 1);
    assert.equal(steps('join_to_first_offer'), 0, 'nobody was publishing when they joined');
    const took = (step: string) => moved('conclave_join_step_seconds_sum', { step });
    assert.ok(took('join_to_joined') > 0 && took('join_to_joined') < 10);
    assert.ok(took('publish_to_answer') > 0 && took('publish_to_answer') < 10);
    const within = (le: string) =>
      moved('conclave_join_step_seconds_bucket', { step: 'publish_to_answer', le });
    assert.equal(within('+Inf'), 1);
    assert.equal(within('10'), 1, 'a publish answered within 10 s lands in a finite bucket');

    assert.equal((await guest.request({ type: 'leave' })).type, 'ack');
    host.close();
    await Promise.all([guest.closed(), host.closed()]);
    const afterwards = await eventually(
      (s) =>
        s.value('conclave_signaling_sockets_open') === before.value('conclave_signaling_sockets_open') &&
        s.value('conclave_meetings_active') === 0,
      'the sockets closed and the meeting gone',
    );
    const gone = delta(before, afterwards);
    assert.equal(afterwards.value('conclave_participants_active'), 0);
    assert.equal(gone('conclave_participant_leaves_total', { reason: 'left' }), 1);
    assert.equal(gone('conclave_participant_leaves_total', { reason: 'disconnected' }), 1);
    assert.equal(gone('conclave_signaling_messages_received_total', { type: 'leave' }), 1);

    // Bounded labels: only closed sets, never a meeting, participant, guest or session.
    for (const type of afterwards.labelValues('conclave_signaling_messages', 'type')) {
      assert.ok([...MESSAGE_TYPES, 'invalid'].includes(type), type);
    }
    for (const code of afterwards.labelValues('conclave_signaling_errors', 'code')) {
      assert.ok((ERROR_CODES as readonly string[]).includes(code), code);
    }
    for (const reason of afterwards.labelValues('conclave_participant_leaves', 'reason')) {
      assert.ok(LEAVE_REASONS.includes(reason), reason);
    }
    for (const secret of [meeting.id, joined.participantId, token, owner.cookie!.split('=')[1]!]) {
      assert.ok(!afterwards.text.includes(secret), 'no identifier in the metrics');
    }
  });

  test('OPS-OBS: refused handshakes are counted by reason', async () => {
    const before = await scrape(t.app);
    await assert.rejects(openSocket(url, { origin: 'https://evil.example' }), { status: 403 });
    await assert.rejects(openSocket(url, { protocol: 'chat' }), { status: 400 });
    const plain = await t.app.inject({ method: 'GET', url: SIGNALING_PATH });
    assert.equal(plain.statusCode, 426);
    const moved = delta(before, await scrape(t.app));
    const refused = (reason: string) => moved('conclave_signaling_handshakes_refused_total', { reason });
    assert.equal(refused('origin'), 1);
    assert.equal(refused('subprotocol'), 1);
    assert.equal(refused('not_websocket'), 1);
    assert.equal(refused('too_many_sockets'), 0);
  });

  test('OPS-OBS: a publish Janus refuses is counted as a failed Janus request and a media_error frame', async () => {
    const meeting = await newMeeting('Refused publish');
    const host = await ownerSocket();
    assert.equal((await host.request({ type: 'join', meetingId: meeting.id })).type, 'joined');
    const before = await scrape(t.app);
    // No ICE credentials or fingerprint: it passes our checks, and Janus refuses it.
    const bare =
      'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendonly\r\na=rtpmap:111 opus/48000/2\r\n';
    const refused = await host.request({
      type: 'publish',
      sdp: bare,
      tracks: [{ mid: '0', source: 'microphone' }],
    });
    assert.equal(refused.type === 'error' && refused.code, 'media_error');
    const moved = delta(before, await scrape(t.app));
    assert.equal(moved('conclave_janus_request_failures_total', { kind: 'api' }), 1);
    assert.equal(moved('conclave_janus_request_failures_total', { kind: 'timeout' }), 0);
    assert.equal(moved('conclave_signaling_errors_sent_total', { code: 'media_error' }), 1);
    assert.equal(moved('conclave_join_step_seconds_count', { step: 'publish_to_answer' }), 0);
    host.close();
    await host.closed();
  });

  test('OPS-OBS, NET-FAILOVER: a Janus crash is counted, readiness follows, and its meetings move with nobody leaving', async () => {
    const meeting = await newMeeting('Crash');
    const host = await ownerSocket();
    assert.equal((await host.request({ type: 'join', meetingId: meeting.id })).type, 'joined');
    const before = await scrape(t.app);
    assert.equal(before.value('conclave_media_ready'), 1);
    const ready = () => t.app.inject({ method: 'GET', url: '/api/ready' });
    assert.equal((await ready()).statusCode, 200);

    const pid = media.media.diagnostics().janusPid;
    assert.ok(pid);
    const lost = new Promise((resolve) => media.media.once('nodeLost', resolve));
    process.kill(pid, 'SIGKILL');
    await lost;
    // Until the supervisor's new Janus answers, the server is alive but not ready.
    const down = await ready();
    assert.equal(down.statusCode, 503);
    assert.equal(down.json<ReadinessView>().database, 'ready');
    assert.notEqual(down.json<ReadinessView>().media, 'ready');

    await host.next('mediaMoved', () => true, 10_000);
    const back = await eventually((s) => s.value('conclave_media_ready') === 1, 'media ready again');
    assert.equal((await ready()).statusCode, 200);
    const moved = delta(before, back);
    assert.equal(moved('conclave_janus_exits_total', { expected: 'false' }), 1);
    assert.equal(moved('conclave_janus_exits_total', { expected: 'true' }), 0);
    assert.ok(moved('conclave_media_connections_lost_total') >= 1);
    assert.equal(moved('conclave_participant_leaves_total', { reason: 'media_failure' }), 0);
    assert.equal(moved('conclave_meeting_media_moves_total', { outcome: 'moved' }), 1);
    assert.equal(moved('conclave_meeting_media_moves_total', { outcome: 'failed' }), 0);
    assert.equal(back.value('conclave_participants_active'), 1, 'the host is still in the meeting');
    host.close();
    await host.closed();
  });
});
