import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  deliver,
  deviceIdentity,
  E2eeMember,
  fromBase64Url,
  generateIdentityKeys,
  signalingTransport,
  toBase64Url,
  type DeviceIdentity,
} from '@conclave/e2ee';
import type { E2eeServerMessage, ServerMessage, ServerMessageOf } from '@conclave/protocol';
import { janusUnavailableReason } from './media-support/janus';
import { syntheticPublishOffer } from './media-support/sdp';
import { SignalClient, startSignalingServer } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

const isE2ee = (m: ServerMessage): m is E2eeServerMessage => m.type.startsWith('e2ee');

/** A participant whose E2EE side runs in Node, over the real signaling socket. */
class E2eeParticipant {
  active: bigint | null = null;
  member!: E2eeMember;
  joined!: ServerMessageOf<'joined'>;

  private constructor(
    readonly socket: SignalClient,
    readonly identity: DeviceIdentity,
  ) {}

  static async join(url: string, meetingId: string, who: { cookie: string } | { displayName: string }) {
    const identity = await deviceIdentity(await generateIdentityKeys());
    const socket = await SignalClient.connect(url, 'cookie' in who ? { cookie: who.cookie } : {});
    const p = new E2eeParticipant(socket, identity);
    let joined = await socket.request({
      type: 'join',
      meetingId,
      identityKey: toBase64Url(identity.publicKey),
      ...('displayName' in who && { displayName: who.displayName }),
    });
    // Held in the lobby: in once a moderator admits.
    if (joined.type === 'waiting') joined = await socket.next('joined', () => true, 20_000);
    assert.equal(joined.type, 'joined', JSON.stringify(joined));
    p.joined = joined;
    const info = p.joined.e2ee;
    assert.ok(info, 'joined says the meeting is end-to-end encrypted');
    p.member = new E2eeMember({
      meetingId,
      participantId: p.joined.participantId,
      identity,
      deliveryServiceKey: fromBase64Url(info.deliveryServiceKey),
      anchorKey: info.anchorKey === null ? null : fromBase64Url(info.anchorKey),
      transport: signalingTransport((message) => socket.send(message)),
      keys: {
        install: () => undefined,
        activate: (epoch) => (p.active = epoch),
        clear: () => (p.active = null),
      },
    });
    // Everything E2EE the server sent so far, then whatever follows, in order.
    let seen = 0;
    const pump = () => {
      for (; seen < socket.received.length; seen++) {
        const m = socket.received[seen]!;
        if (isE2ee(m)) void deliver(p.member, m);
      }
    };
    pump();
    socket.ws.on('message', () => setImmediate(pump));
    return p;
  }

  get view() {
    const s = this.member.snapshot();
    return {
      status: s.status,
      epoch: s.epoch,
      sending: this.active,
      authenticator: s.epochAuthenticator && Buffer.from(s.epochAuthenticator).toString('hex'),
      members: s.members.map((m) => m.participantId).sort(),
    };
  }
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function agreed(people: E2eeParticipant[]): boolean {
  const views = people.map((p) => p.view);
  const first = views[0]!;
  return views.every(
    (v) =>
      v.status === 'member' &&
      v.sending === v.epoch &&
      v.authenticator === first.authenticator &&
      v.members.length === people.length,
  );
}

describe('E2EE meetings over the real signaling server and Janus', { skip }, () => {
  let server: Awaited<ReturnType<typeof startSignalingServer>>;
  const people: E2eeParticipant[] = [];

  before(async () => {
    server = await startSignalingServer();
    server.directory.user('alice', 'org-1', 'Alice');
  });
  after(async () => {
    for (const p of people) p.socket.ws.terminate();
    await server?.stop();
  });

  test('E2EE-OPTIN: a join without a device identity key is refused with e2ee_required, never let in unencrypted', async () => {
    server.directory.meeting('m-refuse', 'org-1', 'Board', true, 'user-alice');
    const socket = await SignalClient.connect(server.url);
    const refused = await socket.request({ type: 'join', meetingId: 'm-refuse', displayName: 'Gus' });
    assert.equal(refused.type === 'error' && refused.code, 'e2ee_required', JSON.stringify(refused));
    assert.equal(server.rooms.room('m-refuse')?.participants.size ?? 0, 0);
    socket.ws.terminate();
  });

  test('E2EE-KEYX: the owner’s device anchors the group, guests are admitted and keyed, and all agree on one epoch', async () => {
    const meeting = server.directory.meeting('m-keyx', 'org-1', 'Board', true, 'user-alice');
    const owner = await E2eeParticipant.join(server.url, meeting.id, { cookie: 'alice' });
    people.push(owner);
    assert.equal(owner.joined.e2ee?.anchorKey, toBase64Url(owner.identity.publicKey));
    assert.equal(
      meeting.e2eeAnchorKey,
      toBase64Url(owner.identity.publicKey),
      'the anchor is recorded with the meeting',
    );
    const guests: E2eeParticipant[] = [];
    for (const name of ['Gus', 'Gwen']) {
      const guest = await E2eeParticipant.join(server.url, meeting.id, { displayName: name });
      people.push(guest);
      guests.push(guest);
      assert.equal(guest.joined.e2ee?.anchorKey, toBase64Url(owner.identity.publicKey));
    }
    const all = [owner, ...guests];
    await until(() => agreed(all), 'three members on one epoch');

    // Media is accepted only marked end-to-end encrypted, which the server does for E2EE meetings.
    const offer = syntheticPublishOffer();
    const answer = await guests[0]!.socket.request({
      type: 'publish',
      sdp: offer,
      tracks: [
        { mid: '0', source: 'microphone' },
        { mid: '1', source: 'camera' },
      ],
    });
    assert.equal(answer.type, 'publishAnswer', JSON.stringify(answer));

    // One leaves: the others move to a new epoch without them.
    const before = owner.view.epoch!;
    guests[1]!.socket.ws.close();
    await until(() => agreed([owner, guests[0]!]) && owner.view.epoch! > before, 'the removal commit');
    assert.deepEqual(
      owner.view.members,
      [owner.joined.participantId, guests[0]!.joined.participantId].sort(),
    );
  });

  test('MEET-LOBBY, MEET-MOD-REMOVE: the owner admits a guest from the lobby with an admission signed at that moment; removing them starts an epoch without them', async () => {
    const meeting = server.directory.meeting('m-lobby', 'org-1', 'Board', true, 'user-alice');
    meeting.lobby = 'guests';
    const owner = await E2eeParticipant.join(server.url, meeting.id, { cookie: 'alice' });
    people.push(owner);
    await until(() => owner.view.status === 'member', 'the owner’s group');
    const joining = E2eeParticipant.join(server.url, meeting.id, { displayName: 'Gus' });

    const lobby = await owner.socket.next('lobby', (l) => l.waiting.length === 1);
    const waiting = lobby.waiting[0]!;
    assert.ok(waiting.identityKey, 'the lobby shows the key whose Codeword moderators compare');
    const admission = await owner.member.admit(waiting.id, fromBase64Url(waiting.identityKey));
    assert.ok(admission);
    const ack = await owner.socket.request({
      type: 'admit',
      participantIds: [waiting.id],
      admissions: [{ participantId: waiting.id, admission: toBase64Url(admission) }],
    });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const guest = await joining;
    people.push(guest);
    assert.equal(guest.joined.participantId, waiting.id);
    await until(() => agreed([owner, guest]), 'the admitted guest in the group');
    assert.ok(
      !owner.socket.received.some((m) => m.type === 'e2eeAdmissionRequest'),
      'the owner’s device was not asked again',
    );

    const before = owner.view.epoch!;
    const removed = await owner.socket.request({ type: 'removeParticipants', participantIds: [waiting.id] });
    assert.equal(removed.type, 'ack');
    assert.equal((await guest.socket.next('disconnected')).reason, 'removed');
    await until(
      () =>
        owner.view.epoch! > before &&
        owner.view.sending === owner.view.epoch &&
        owner.view.members.length === 1,
      'a new epoch without the removed guest',
    );
  });
});
