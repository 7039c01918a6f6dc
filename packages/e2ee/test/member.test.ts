import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  deviceIdentity,
  E2eeMember,
  externalProposal,
  generateDeliveryServiceKeys,
  generateIdentityKeys,
  signAdmission,
  type DeliveryServiceKeys,
  type DeviceIdentity,
  type MemberTransport,
} from '../src/index';
import { encodeAdmission } from '../src/identity/admission';

const MEETING = 'meeting-1';

/** Records what a member sends and what it does with keys: the fakes the state machine is tested with. */
class Probe {
  sent: { kind: keyof MemberTransport; args: unknown[] }[] = [];
  keys: string[] = [];
  readonly transport: MemberTransport = {
    groupCreated: (...args) => this.sent.push({ kind: 'groupCreated', args }),
    admit: (...args) => this.sent.push({ kind: 'admit', args }),
    keyPackage: (...args) => this.sent.push({ kind: 'keyPackage', args }),
    commit: (...args) => this.sent.push({ kind: 'commit', args }),
    ready: (...args) => this.sent.push({ kind: 'ready', args }),
  };
  readonly sink = {
    install: (epoch: bigint) => this.keys.push(`install ${epoch}`),
    activate: (epoch: bigint, newcomers: boolean) =>
      this.keys.push(`activate ${epoch}${newcomers ? ' +' : ''}`),
    clear: () => this.keys.push('clear'),
  };
  last<K extends keyof MemberTransport>(kind: K): Parameters<MemberTransport[K]> {
    const found = this.sent.filter((s) => s.kind === kind).at(-1);
    assert.ok(found, `nothing sent as ${kind}`);
    return found.args as Parameters<MemberTransport[K]>;
  }
}

/** An admission by `by` for `participantId` holding `key`, issued now, as bytes a member receives. */
async function admission(by: DeviceIdentity, participantId: string, key: DeviceIdentity) {
  return encodeAdmission(
    await signAdmission(by, {
      meetingId: MEETING,
      participantId,
      identityKey: key.publicKey,
      issuedAt: Date.now(),
    }),
  );
}

async function identity(): Promise<DeviceIdentity> {
  return deviceIdentity(await generateIdentityKeys());
}

function member(
  id: string,
  who: DeviceIdentity,
  anchor: DeviceIdentity | null,
  ds: DeliveryServiceKeys,
  probe: Probe,
) {
  return new E2eeMember({
    meetingId: MEETING,
    participantId: id,
    identity: who,
    deliveryServiceKey: ds.publicKey,
    anchorKey: anchor?.publicKey ?? null,
    transport: probe.transport,
    keys: probe.sink,
  });
}

/** An anchor with its group, and a second member brought in through the real steps. */
async function twoMembers() {
  const ds = await generateDeliveryServiceKeys();
  const ownerId = await identity();
  const bobId = await identity();
  const ownerProbe = new Probe();
  const bobProbe = new Probe();
  const owner = member('owner', ownerId, ownerId, ds, ownerProbe);
  const bob = member('bob', bobId, ownerId, ds, bobProbe);
  const groupId = crypto.getRandomValues(new Uint8Array(16));
  await owner.createGroup(groupId);
  await owner.admissionRequested('bob', bobId.publicKey);
  await bob.admitted(ownerProbe.last('admit')[1], groupId, ownerId.publicKey);
  const add = await externalProposal(ds, { groupId, epoch: 0n }, { add: bobProbe.last('keyPackage')[0] });
  await owner.proposal(0n, add);
  await owner.commitRequested(0n);
  const [, commit, welcome] = ownerProbe.last('commit');
  await owner.commit(1n, commit);
  await bob.welcome(1n, welcome!);
  return { ds, groupId, owner, bob, ownerProbe, bobProbe, ownerId, bobId };
}

describe('E2eeMember (a participant’s side of the group)', () => {
  test('E2EE-KEYX: the anchor creates the group and sends with its epoch at once; others never create one', async () => {
    const ds = await generateDeliveryServiceKeys();
    const ownerId = await identity();
    const probe = new Probe();
    const owner = member('owner', ownerId, ownerId, ds, probe);
    const groupId = new Uint8Array(16).fill(1);
    await owner.createGroup(groupId);
    assert.deepEqual(probe.last('groupCreated'), [groupId]);
    assert.deepEqual(probe.keys, ['install 0', 'activate 0']);
    assert.equal(owner.snapshot().status, 'member');

    const otherProbe = new Probe();
    const other = member('bob', await identity(), ownerId, ds, otherProbe);
    await other.createGroup(groupId);
    assert.deepEqual(otherProbe.sent, []);
    assert.equal(other.snapshot().status, 'waiting');
  });

  test('E2EE-ROTATE: receive keys of a new epoch are installed on commit, but senders switch only on execute', async () => {
    const { owner, bob, ownerProbe, bobProbe } = await twoMembers();
    assert.deepEqual(ownerProbe.keys, ['install 0', 'activate 0', 'install 1']);
    assert.deepEqual(bobProbe.keys, ['install 1']);
    assert.deepEqual(ownerProbe.last('ready'), [1n]);
    assert.deepEqual(bobProbe.last('ready'), [1n]);
    await bob.execute(7n);
    assert.deepEqual(bobProbe.keys, ['install 1'], 'an execute for another epoch is ignored');
    await owner.execute(1n);
    await bob.execute(1n);
    // Bob is new: both restart their video on a key frame, which he cannot decode without ("+").
    assert.deepEqual(ownerProbe.keys.at(-1), 'activate 1 +');
    assert.deepEqual(bobProbe.keys.at(-1), 'activate 1 +');
    assert.deepEqual(
      owner
        .snapshot()
        .members.map((m) => m.participantId)
        .sort(),
      ['bob', 'owner'],
    );
    assert.deepEqual(owner.snapshot().epochAuthenticator, bob.snapshot().epochAuthenticator);
  });

  test('E2EE-ADMIT: an admission for someone else, or from another anchor, is ignored: no key package leaves', async () => {
    const ds = await generateDeliveryServiceKeys();
    const ownerId = await identity();
    const stranger = await identity();
    const probe = new Probe();
    const bobId = await identity();
    const bob = member('bob', bobId, ownerId, ds, probe);
    const groupId = new Uint8Array(16).fill(2);
    const forCarol = await admission(ownerId, 'carol', bobId);
    await bob.admitted(forCarol, groupId, ownerId.publicKey);
    const byStranger = await admission(stranger, 'bob', bobId);
    await bob.admitted(byStranger, groupId, stranger.publicKey);
    await bob.admitted(byStranger, groupId, ownerId.publicKey);
    assert.deepEqual(probe.sent, []);
    assert.equal(bob.snapshot().status, 'waiting');
  });

  test('E2EE-ROTATE: a member removed by a commit drops every key and says so', async () => {
    const { ds, groupId, owner, bob, ownerProbe, bobProbe } = await twoMembers();
    const remove = await externalProposal(
      ds,
      { groupId, epoch: 1n },
      { remove: bob.snapshot().members.find((m) => m.participantId === 'bob')!.leaf },
    );
    await owner.proposal(1n, remove);
    await bob.proposal(1n, remove);
    await owner.commitRequested(1n);
    const [, commit] = ownerProbe.last('commit');
    await owner.commit(2n, commit);
    await bob.commit(2n, commit);
    assert.equal(bob.snapshot().status, 'removed');
    assert.equal(bobProbe.keys.at(-1), 'clear');
    assert.deepEqual(
      owner.snapshot().members.map((m) => m.participantId),
      ['owner'],
    );
    await owner.execute(2n);
    assert.equal(ownerProbe.keys.at(-1), 'activate 2', 'nobody new: the video goes on without a key frame');
  });

  test('E2EE-KEYX: a Welcome that is not for this member leaves it refused, holding no keys', async () => {
    const { ds, groupId, ownerId } = await twoMembers();
    const probe = new Probe();
    const carolId = await identity();
    const carol = member('carol', carolId, ownerId, ds, probe);
    const forCarol = await admission(ownerId, 'carol', carolId);
    await carol.admitted(forCarol, groupId, ownerId.publicKey);
    assert.equal(carol.snapshot().status, 'joining');
    await carol.welcome(1n, new Uint8Array([0, 1, 0, 3]));
    assert.equal(carol.snapshot().status, 'refused');
    assert.deepEqual(probe.keys, []);
  });
});
