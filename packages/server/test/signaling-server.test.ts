import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_SIGNAL_MESSAGE_BYTES, type ServerMessageOf } from '@conclave/protocol';
import { VideoRoom } from '../src/media/videoroom';
import type { MeetingRecord } from '../src/domain';
import { janusUnavailableReason } from './media-support/janus';
import { syntheticPublishOffer } from './media-support/sdp';
import { SignalClient, startSignalingServer } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

describe('signaling server over a real WebSocket, with a real Janus', { skip }, () => {
  let server: Awaited<ReturnType<typeof startSignalingServer>>;
  let meeting: MeetingRecord;
  let otherMeeting: MeetingRecord;
  let foreignMeeting: MeetingRecord;
  const clients: SignalClient[] = [];

  const connect = async (cookie?: string) => {
    const client = await SignalClient.connect(server.url, cookie ? { cookie } : {});
    clients.push(client);
    return client;
  };
  const joinAs = async (cookie: string, meetingId = meeting.id) => {
    const client = await connect(cookie);
    const joined = await client.request({ type: 'join', meetingId });
    assert.equal(joined.type, 'joined', JSON.stringify(joined));
    return { client, joined };
  };
  /** Asks Janus itself whether a room exists. */
  const janusRoomExists = async (roomId: number) => {
    const node = await server.media.nodeForRoom('probe');
    const session = await node.client.createSession();
    try {
      return await VideoRoom.exists(await session.attach(), roomId);
    } finally {
      await session.destroy();
    }
  };

  before(async () => {
    server = await startSignalingServer();
    const d = server.directory;
    meeting = d.meeting('m-1', 'org-1', 'Weekly sync');
    otherMeeting = d.meeting('m-2', 'org-1', 'Other meeting');
    foreignMeeting = d.meeting('m-3', 'org-2', 'Someone else’s meeting');
    d.user('alice', 'org-1', 'Alice');
    d.user('bob', 'org-1', 'Bob');
    d.user('carol', 'org-1', 'Carol');
    d.user('dave', 'org-1', 'Dave');
    d.user('mallory', 'org-1', 'Mallory');
    d.user('eve', 'org-2', 'Eve');
    d.guest('guest-for-m1', meeting, 'Gina (guest)');
    d.guest('guest-for-m2', otherMeeting, 'Gus (guest)');
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    await server?.stop();
  });

  describe('handshake', () => {
    test('IAM-ROLES: a socket without the conclave.v1 subprotocol is refused', async () => {
      await assert.rejects(SignalClient.connect(server.url, { protocol: 'chat' }), { status: 400 });
    });
    test('IAM-ROLES: a socket from another origin is refused', async () => {
      await assert.rejects(SignalClient.connect(server.url, { origin: 'https://evil.example' }), {
        status: 403,
      });
      await assert.rejects(SignalClient.connect(server.url, { origin: null }), { status: 403 });
    });
    test('the right subprotocol and origin open a socket that answers ping', async () => {
      const client = await connect();
      assert.equal(client.ws.protocol, 'conclave.v1');
      const pong = await client.request({ type: 'ping' });
      assert.equal(pong.type, 'pong');
      client.close();
    });
  });

  describe('authorisation of every message', () => {
    test('IAM-ROLES: joining without a session or guest token is refused, the socket stays usable', async () => {
      const client = await connect();
      const reply = await client.request({ type: 'join', meetingId: meeting.id });
      assert.deepEqual([reply.type, reply.type === 'error' && reply.code], ['error', 'unauthorized']);
      assert.equal((await client.request({ type: 'ping' })).type, 'pong');
      client.close();
    });

    test('IAM-ROLES: nothing but join and ping is accepted before joining', async () => {
      const client = await connect('alice');
      const attempts = [
        { type: 'publish', sdp: syntheticPublishOffer(), tracks: [{ mid: '0', source: 'microphone' }] },
        { type: 'subscriptionAnswer', sdp: 'v=0\r\n' },
        { type: 'setMute', source: 'microphone', muted: true },
        { type: 'leave' },
      ];
      for (const attempt of attempts) {
        const reply = await client.request(attempt);
        assert.equal(reply.type === 'error' && reply.code, 'not_joined', attempt.type);
      }
      client.send({ type: 'trickle', target: 'publisher', candidate: null });
      const error = await client.next('error');
      assert.equal(error.code, 'not_joined');
      client.close();
    });

    test('IAM-GUEST: a guest token for another meeting is refused', async () => {
      const client = await connect();
      const reply = await client.request({ type: 'join', meetingId: meeting.id, guestToken: 'guest-for-m2' });
      assert.equal(reply.type === 'error' && reply.code, 'forbidden');
      client.close();
    });

    test('IAM-GUEST: an unknown or expired guest token is refused', async () => {
      const client = await connect();
      const reply = await client.request({ type: 'join', meetingId: meeting.id, guestToken: 'made-up' });
      assert.equal(reply.type === 'error' && reply.code, 'unauthorized');
      client.close();
    });

    test('IAM-ROLES: a user cannot join a meeting of another organisation', async () => {
      const client = await connect('eve');
      const reply = await client.request({ type: 'join', meetingId: meeting.id });
      assert.equal(reply.type === 'error' && reply.code, 'meeting_not_found');
      const alice = await connect('alice');
      const foreign = await alice.request({ type: 'join', meetingId: foreignMeeting.id });
      assert.equal(foreign.type === 'error' && foreign.code, 'meeting_not_found');
      client.close();
      alice.close();
    });

    test('an unknown meeting is meeting_not_found', async () => {
      const client = await connect('alice');
      const reply = await client.request({ type: 'join', meetingId: 'no-such-meeting' });
      assert.deepEqual(reply.type === 'error' && [reply.code, reply.field], [
        'meeting_not_found',
        'meetingId',
      ]);
      client.close();
    });
  });

  describe('roster', () => {
    test('join returns the roster with self; a second participant is announced to the first', async () => {
      const { client: alice, joined: aliceJoined } = await joinAs('alice');
      assert.deepEqual(aliceJoined.meeting, { id: meeting.id, name: 'Weekly sync' });
      assert.equal(aliceJoined.participants.length, 1);
      const self = aliceJoined.participants[0]!;
      assert.equal(self.id, aliceJoined.participantId);
      assert.deepEqual([self.displayName, self.kind, self.tracks], ['Alice', 'user', []]);
      assert.ok(Array.isArray(aliceJoined.iceServers));

      const guest = await connect();
      const guestJoined = await guest.request({
        type: 'join',
        meetingId: meeting.id,
        guestToken: 'guest-for-m1',
      });
      assert.equal(guestJoined.type, 'joined');
      assert.deepEqual(guestJoined.participants.map((p) => [p.displayName, p.kind]).sort(), [
        ['Alice', 'user'],
        ['Gina (guest)', 'guest'],
      ]);
      const announced = await alice.next('participantJoined');
      assert.equal(announced.participant.id, guestJoined.participantId);
      assert.equal(announced.participant.displayName, 'Gina (guest)');
      assert.equal(announced.participant.kind, 'guest');

      // Joining twice on one socket is refused; another socket is another participant.
      const again = await alice.request({ type: 'join', meetingId: meeting.id });
      assert.equal(again.type === 'error' && again.code, 'already_joined');

      // leave: acknowledged, socket closed, others told why.
      const left = await guest.request({ type: 'leave' });
      assert.equal(left.type, 'ack');
      assert.equal(await guest.closed(), 1000);
      const gone = await alice.next('participantLeft');
      assert.deepEqual([gone.participantId, gone.reason], [guestJoined.participantId, 'left']);

      // Closing the socket on purpose without leave (a closed tab): the others see "disconnected" at
      // once. A socket that drops is held for the reconnect grace instead (signaling-reconnect.test.ts).
      const { client: bob, joined: bobJoined } = await joinAs('bob');
      await alice.next('participantJoined', (m) => m.participant.id === bobJoined.participantId);
      bob.ws.close(1001);
      const dropped = await alice.next('participantLeft', (m) => m.participantId === bobJoined.participantId);
      assert.equal(dropped.reason, 'disconnected');
      alice.close();
      await alice.closed();
    });

    test('meetings are separate: participants of another meeting are not announced', async () => {
      const { client: alice } = await joinAs('alice', meeting.id);
      const { client: carol, joined } = await joinAs('carol', otherMeeting.id);
      assert.deepEqual(
        joined.participants.map((p) => p.displayName),
        ['Carol'],
      );
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(alice.received.filter((m) => m.type === 'participantJoined').length, 0);
      alice.close();
      carol.close();
      await Promise.all([alice.closed(), carol.closed()]);
    });

    test('the Janus room exists while the meeting is active and is destroyed after the last participant leaves', async () => {
      const { client: alice } = await joinAs('alice');
      const { client: bob } = await joinAs('bob');
      const roomId = server.rooms.room(meeting.id)?.janusRoomId;
      assert.ok(roomId, 'a Janus room was created on join');
      assert.equal(await janusRoomExists(roomId), true);
      await alice.request({ type: 'leave' });
      assert.equal(await janusRoomExists(roomId), true, 'still one participant');
      bob.close();
      await bob.closed();
      const deadline = Date.now() + 3_000;
      while ((await janusRoomExists(roomId)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      assert.equal(await janusRoomExists(roomId), false);
      assert.equal(server.rooms.room(meeting.id), undefined, 'the room is forgotten');

      // The next join creates a fresh room.
      const { client: again } = await joinAs('alice');
      const fresh = server.rooms.room(meeting.id)?.janusRoomId;
      assert.ok(fresh && fresh !== roomId);
      again.close();
      await again.closed();
    });
  });

  describe('publishing and muting', () => {
    test('publish returns Janus’s answer and announces the tracks; a wrong mid is refused', async () => {
      const { client: alice, joined } = await joinAs('alice');
      const { client: bob } = await joinAs('bob');
      const bad = await alice.request({
        type: 'publish',
        sdp: syntheticPublishOffer(),
        tracks: [{ mid: '7', source: 'microphone' }],
      });
      assert.deepEqual(bad.type === 'error' && [bad.code, bad.field], ['validation_failed', 'tracks.0.mid']);
      const wrongKind = await alice.request({
        type: 'publish',
        sdp: syntheticPublishOffer(),
        tracks: [{ mid: '0', source: 'camera' }],
      });
      assert.equal(wrongKind.type === 'error' && wrongKind.code, 'validation_failed');

      const answer = await alice.request({
        type: 'publish',
        sdp: syntheticPublishOffer(),
        tracks: [
          { mid: '0', source: 'microphone' },
          { mid: '1', source: 'camera' },
        ],
      });
      assert.equal(answer.type, 'publishAnswer', JSON.stringify(answer));
      assert.match(answer.sdp, /a=recvonly/);
      const update = await bob.next('participantUpdated', (m) => m.participant.id === joined.participantId);
      assert.deepEqual(update.participant.tracks, [
        { source: 'microphone', muted: false },
        { source: 'camera', muted: false },
      ]);
      // Candidates for the publisher reach Janus (no error frame comes back).
      alice.send({
        type: 'trickle',
        target: 'publisher',
        candidate: {
          candidate: 'candidate:1 1 udp 2122260223 10.77.0.9 50000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      });
      alice.send({ type: 'trickle', target: 'publisher', candidate: null });
      // No subscription yet (nothing is active), so subscriber candidates and answers are refused.
      const noSub = await alice.request({ type: 'subscriptionAnswer', sdp: 'v=0\r\n' });
      assert.equal(noSub.type === 'error' && noSub.code, 'invalid_state');
      assert.equal(
        alice.received.filter((m) => m.type === 'error').length,
        0,
        JSON.stringify(alice.received),
      );
      alice.close();
      bob.close();
      await Promise.all([alice.closed(), bob.closed()]);
    });

    test('a publish Janus refuses gets a stable code and a generic message, never Janus’s own text', async () => {
      const { client: alice } = await joinAs('alice');
      // An offer without ICE credentials or a fingerprint: it passes our checks, Janus refuses it.
      const bare =
        'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendonly\r\na=rtpmap:111 opus/48000/2\r\n';
      const refused = await alice.request({
        type: 'publish',
        sdp: bare,
        tracks: [{ mid: '0', source: 'microphone' }],
      });
      assert.equal(refused.type, 'error', JSON.stringify(refused));
      assert.equal(refused.code, 'media_error');
      assert.doesNotMatch(refused.message, /janus|mandatory|sdp|ice|fingerprint|\d{3}/i);
      assert.equal((await alice.request({ type: 'ping' })).type, 'pong', 'the socket stays usable');
      alice.close();
      await alice.closed();
    });

    test('MEET-SELF-MUTE: setMute is acknowledged, applied in Janus (configure send) and shown muted to others', async () => {
      const { client: alice, joined } = await joinAs('alice');
      const { client: bob } = await joinAs('bob');
      // Muted before publishing: applied when the track is published.
      assert.equal((await alice.request({ type: 'setMute', source: 'camera', muted: true })).type, 'ack');
      await alice.request({
        type: 'publish',
        sdp: syntheticPublishOffer(),
        tracks: [
          { mid: '0', source: 'microphone' },
          { mid: '1', source: 'camera' },
        ],
      });
      const published = await bob.next(
        'participantUpdated',
        (m) => m.participant.id === joined.participantId,
      );
      assert.deepEqual(published.participant.tracks, [
        { source: 'microphone', muted: false },
        { source: 'camera', muted: true },
      ]);
      assert.equal((await alice.request({ type: 'setMute', source: 'microphone', muted: true })).type, 'ack');
      const muted = await bob.next('participantUpdated', (m) => m.participant.id === joined.participantId);
      assert.deepEqual(muted.participant.tracks, [
        { source: 'microphone', muted: true },
        { source: 'camera', muted: true },
      ]);
      assert.equal((await alice.request({ type: 'setMute', source: 'camera', muted: false })).type, 'ack');
      const unmuted = await bob.next('participantUpdated', (m) => m.participant.id === joined.participantId);
      assert.deepEqual(unmuted.participant.tracks, [
        { source: 'microphone', muted: true },
        { source: 'camera', muted: false },
      ]);
      alice.close();
      bob.close();
      await Promise.all([alice.closed(), bob.closed()]);
    });
  });

  describe('abuse', () => {
    test('IAM-ROLES: 500 malformed, oversized, unknown and unauthorised frames each get an error frame; other sockets are untouched', async () => {
      const { client: alice, joined: aliceJoined } = await joinAs('alice');
      const { client: mallory, joined: malloryJoined } = await joinAs('mallory');
      await alice.next('participantJoined', (m) => m.participant.id === malloryJoined.participantId);
      const oversized = JSON.stringify({ type: 'ping', pad: 'x'.repeat(MAX_SIGNAL_MESSAGE_BYTES + 10) });
      const frames: string[] = [];
      for (let i = 0; i < 500; i++) {
        switch (i % 6) {
          case 0:
            frames.push('{"type": "join", ');
            break;
          case 1:
            frames.push(oversized);
            break;
          case 2:
            frames.push(JSON.stringify({ type: 'takeOver', rid: `u${i}` }));
            break;
          case 3:
            frames.push(JSON.stringify({ type: 'join', rid: `j${i}`, meetingId: foreignMeeting.id }));
            break;
          case 4:
            frames.push(JSON.stringify({ type: 'setMute', rid: `v${i}`, source: 'screen', muted: 'yes' }));
            break;
          default:
            frames.push(JSON.stringify({ type: 'subscriptionAnswer', rid: `s${i}`, sdp: 'v=0\r\n' }));
        }
      }
      for (const frame of frames) mallory.send(frame);
      const deadline = Date.now() + 15_000;
      while (mallory.received.filter((m) => m.type === 'error').length < 500 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const errors = mallory.received.filter((m): m is ServerMessageOf<'error'> => m.type === 'error');
      assert.equal(errors.length, 500, 'one error frame per bad frame');
      const codes = new Set(errors.map((e) => e.code));
      for (const code of [
        'bad_request', // not JSON
        'message_too_large',
        'unknown_message',
        'already_joined', // a second join, for another organisation's meeting
        'validation_failed',
        'invalid_state', // an answer nobody asked for
      ] as const) {
        assert.ok(codes.has(code), `${code} in ${[...codes].join(', ')}`);
      }
      assert.ok(
        errors
          .filter(
            (e) => e.code !== 'rate_limited' && e.code !== 'bad_request' && e.code !== 'message_too_large',
          )
          .every((e) => e.rid),
        'errors for requests with a rid carry it',
      );

      // Alice's socket stays open and still gets roster updates.
      assert.equal(alice.open, true);
      assert.equal(alice.received.filter((m) => m.type === 'error').length, 0);
      const { client: dave, joined: daveJoined } = await joinAs('dave');
      const seen = await alice.next(
        'participantJoined',
        (m) => m.participant.id === daveJoined.participantId,
      );
      assert.equal(seen.participant.displayName, 'Dave');
      assert.ok(daveJoined.participants.some((p) => p.id === aliceJoined.participantId));
      dave.close();
      await alice.next('participantLeft', (m) => m.participantId === daveJoined.participantId);
      alice.close();
      mallory.ws.terminate();
      await Promise.all([alice.closed(), mallory.closed()]);
    });
  });
});
