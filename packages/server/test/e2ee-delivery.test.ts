import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  deliver,
  deviceIdentity,
  E2eeMember,
  fromBase64Url,
  generateDeliveryServiceKeys,
  generateIdentityKeys,
  signalingTransport,
  type DeviceIdentity,
  type MemberSnapshot,
} from '@conclave/e2ee';
import type { ClientMessage, ClientMessageOf } from '@conclave/protocol';
import { AppError } from '../src/common/errors';
import { GroupDelivery, type DeliveryOptions } from '../src/e2ee/delivery';
import type { DeliveryParticipant, DeliveryState } from '../src/e2ee/delivery-state';
import { silentLogger } from '../src/media/logger';

const MEETING = 'meeting-1';
type E2eeMessage = ClientMessageOf<
  'e2eeGroupCreated' | 'e2eeAdmit' | 'e2eeKeyPackage' | 'e2eeCommit' | 'e2eeReady'
>;

/** A participant's E2EE side, wired to the delivery service in memory as the signaling socket would. */
class Client {
  installed: bigint[] = [];
  active: bigint | null = null;
  cleared = false;
  snapshot: MemberSnapshot | null = null;
  /** Set to drop this client's commits, as a committer that went silent. */
  silent = false;
  errors: unknown[] = [];
  readonly member: E2eeMember;

  constructor(
    readonly id: string,
    readonly identity: DeviceIdentity,
    private readonly world: World,
    anchorKey: string | null,
    deliveryServiceKey: string,
  ) {
    const transport = signalingTransport((message: ClientMessage) => {
      if (this.silent && message.type === 'e2eeCommit') return;
      world.toDelivery(id, message as E2eeMessage, (err) => this.errors.push(err));
    });
    this.member = new E2eeMember({
      meetingId: MEETING,
      participantId: id,
      identity,
      deliveryServiceKey: fromBase64Url(deliveryServiceKey),
      anchorKey: anchorKey === null ? null : fromBase64Url(anchorKey),
      transport,
      keys: {
        install: (epoch) => this.installed.push(epoch),
        activate: (epoch) => (this.active = epoch),
        clear: () => (this.cleared = true),
      },
      onChange: (s) => (this.snapshot = s),
    });
  }
}

/** The delivery service and its clients; `settle` runs the exchange until nothing moves. */
class World {
  readonly clients = new Map<string, Client>();
  pending: Promise<unknown>[] = [];
  anchor: Uint8Array | null = null;
  delivery: GroupDelivery;
  /** Messages of these types from clients wait in `held`, as on a socket that is down. */
  holding = new Set<E2eeMessage['type']>();
  private held: Array<() => void> = [];
  private readonly sends = new Map<string, DeliveryParticipant['send']>();
  private readonly options: Omit<DeliveryOptions, 'keys' | 'anchorKey'>;

  private constructor(keys: DeliveryOptions['keys'], options: Partial<DeliveryOptions>) {
    this.options = {
      meetingId: MEETING,
      onAnchor: (key) => (this.anchor = key),
      rotateEveryMs: 0,
      commitTimeoutMs: 300,
      readyTimeoutMs: 300,
      logger: silentLogger,
      ...options,
    };
    this.delivery = new GroupDelivery({ ...this.options, keys, anchorKey: null });
  }

  toDelivery(id: string, message: E2eeMessage, failed: (err: unknown) => void): void {
    const go = () => this.pending.push(this.delivery.handle(id, message).catch(failed));
    if (this.holding.has(message.type)) this.held.push(go);
    else go();
  }

  /**
   * The node serving the group dies: another serves it from the state the first wrote, as plain data
   * through the shared store; what clients sent meanwhile reaches the new one.
   */
  takeOver(gone: readonly string[] = []): void {
    const state = JSON.parse(JSON.stringify(this.delivery.state())) as DeliveryState;
    this.delivery.close();
    // Their connections never came back: the new node's room does not have them.
    for (const id of gone) {
      this.clients.delete(id);
      this.sends.delete(id);
    }
    this.delivery = GroupDelivery.resume(this.options, state, (id) => this.sends.get(id) ?? null);
    this.holding.clear();
    for (const go of this.held.splice(0)) go();
  }

  static async create(options: Partial<DeliveryOptions> = {}): Promise<World> {
    return new World(await generateDeliveryServiceKeys(), options);
  }

  /** A world whose owner made the group, which `others` then joined; everything settled. */
  static async inGroup(others: readonly string[], options: Partial<DeliveryOptions> = {}): Promise<World> {
    const world = await World.create(options);
    await world.connect('owner', { owner: true });
    await world.settle();
    for (const id of others) await world.connect(id);
    await world.settle();
    return world;
  }

  /** Types of the messages each participant received from the delivery service. */
  readonly heard = new Map<string, string[]>();

  async connect(
    id: string,
    options: { owner?: boolean; identity?: DeviceIdentity; admission?: string } = {},
  ): Promise<Client> {
    const identity = options.identity ?? (await deviceIdentity(await generateIdentityKeys()));
    if (options.owner) this.delivery.registerOwner(identity.publicKey);
    const info = this.delivery.joinInfo();
    const client = new Client(id, identity, this, info.anchorKey, info.deliveryServiceKey);
    this.clients.set(id, client);
    const send: DeliveryParticipant['send'] = (message) => {
      this.heard.set(id, [...(this.heard.get(id) ?? []), message.type]);
      this.pending.push(deliver(client.member, message).catch((err: unknown) => client.errors.push(err)));
    };
    this.sends.set(id, send);
    await this.delivery.join({
      id,
      identityKey: identity.publicKey,
      displayName: id,
      ...(options.admission !== undefined && { admission: options.admission }),
      send,
    });
    return client;
  }

  async disconnect(id: string): Promise<void> {
    this.clients.delete(id);
    this.sends.delete(id);
    await this.delivery.leave(id);
  }

  async settle(quietMs = 30): Promise<void> {
    for (;;) {
      const batch = this.pending.splice(0);
      await Promise.all(batch);
      await Promise.all([...this.clients.values()].map((c) => c.member.settled()));
      await new Promise((r) => setTimeout(r, quietMs));
      if (this.pending.length === 0) return;
    }
  }

  /** Every connected client's view, checked to be one group that senders have switched to. */
  agreement(): { epoch: bigint; authenticator: string; members: string[] } {
    const views = [...this.clients.values()].map((c) => {
      const s = c.member.snapshot();
      assert.equal(s.status, 'member', `${c.id} is ${s.status}`);
      assert.equal(c.active, s.epoch, `${c.id} sends with epoch ${c.active}, not ${s.epoch}`);
      assert.deepEqual(c.errors, []);
      return {
        epoch: s.epoch!,
        authenticator: Buffer.from(s.epochAuthenticator!).toString('hex'),
        members: s.members.map((m) => m.participantId).sort(),
      };
    });
    for (const v of views) assert.deepEqual(v, views[0]);
    return views[0]!;
  }
}

describe('E2EE delivery service (the control plane as MLS delivery service)', () => {
  test('E2EE-KEYX: the owner creates the group, admits who the server announces, and everyone agrees on one epoch', async () => {
    const world = await World.inGroup(['bob', 'carol']);
    const state = world.agreement();
    assert.deepEqual(state.members, ['bob', 'carol', 'owner']);
    assert.ok(state.epoch >= 2n);
    assert.ok(
      world.anchor && Buffer.from(world.anchor).equals(world.clients.get('owner')!.identity.publicKey),
    );
  });

  test('E2EE-ADMIT: people who arrive before the owner wait, and are admitted once the owner’s device is there', async () => {
    const world = await World.create();
    const ownerIdentity = await deviceIdentity(await generateIdentityKeys());
    world.delivery.registerOwner(ownerIdentity.publicKey);
    const bob = await world.connect('bob');
    await world.settle();
    assert.equal(bob.member.snapshot().status, 'waiting');
    assert.deepEqual(bob.installed, []);
    await world.connect('owner', { identity: ownerIdentity });
    await world.settle();
    assert.deepEqual(world.agreement().members, ['bob', 'owner']);
  });

  test('E2EE-ROTATE: when someone leaves, the others move to a new epoch without them and switch senders', async () => {
    const world = await World.inGroup(['bob', 'carol']);
    const before = world.agreement();
    await world.disconnect('carol');
    await world.settle();
    const after = world.agreement();
    assert.deepEqual(after.members, ['bob', 'owner']);
    assert.equal(after.epoch, before.epoch + 1n);
    assert.notEqual(after.authenticator, before.authenticator);
  });

  test('E2EE-ROTATE: the group survives its committer leaving mid-change, and a silent committer is passed over', async () => {
    const world = await World.create();
    const owner = await world.connect('owner', { owner: true });
    await world.settle();
    await world.connect('bob');
    await world.settle();
    // The owner (lowest leaf, so the committer) goes silent: Dave's Add waits for the timeout, then Bob commits.
    owner.silent = true;
    await world.connect('dave');
    await world.settle(400);
    await world.settle();
    assert.deepEqual(world.agreement().members, ['bob', 'dave', 'owner']);
    // Now the owner leaves: Bob and Dave remove it between themselves.
    await world.disconnect('owner');
    await world.settle();
    assert.deepEqual(world.agreement().members, ['bob', 'dave']);
  });

  test('E2EE-ROTATE: keys are also updated periodically, with nobody joining or leaving', async () => {
    const world = await World.create({ rotateEveryMs: 150 });
    await world.connect('owner', { owner: true });
    await world.settle();
    await world.connect('bob');
    await world.settle();
    const before = world.agreement();
    await new Promise((r) => setTimeout(r, 400));
    await world.settle();
    const after = world.agreement();
    assert.ok(after.epoch >= before.epoch + 2n, `epoch ${before.epoch} → ${after.epoch}`);
    world.delivery.close();
  });

  test('E2EE-KEYX: a commit that does not cover exactly the round’s proposals is refused and not relayed', async () => {
    const world = await World.create();
    await world.connect('owner', { owner: true });
    await world.settle();
    const owner = world.clients.get('owner')!;
    await world.connect('bob');
    await world.settle();
    const epoch = Number(owner.member.snapshot().epoch);
    // No round is open: a stray commit is ignored; a commit for the wrong epoch too.
    await world.delivery.handle('owner', { type: 'e2eeCommit', epoch: epoch + 5, commit: 'AAAA' });
    // With a round open (Carol's Add), a commit that is not a commit of this group is refused.
    owner.silent = true;
    await world.connect('carol');
    await world.settle(50);
    await assert.rejects(
      world.delivery.handle('owner', { type: 'e2eeCommit', epoch, commit: 'AAAA' }),
      (err: unknown) => err instanceof AppError && err.code === 'e2ee_refused',
    );
    owner.silent = false;
    await world.settle(400);
    await world.settle();
    assert.deepEqual(world.agreement().members, ['bob', 'carol', 'owner']);
  });

  test('E2EE-ADMIT: someone the owner let in from the lobby comes with the admission signed at that click; nobody is asked again', async () => {
    const world = await World.create();
    const owner = await world.connect('owner', { owner: true });
    await world.settle();
    const bobIdentity = await deviceIdentity(await generateIdentityKeys());
    const signed = await owner.member.admit('bob', bobIdentity.publicKey);
    assert.ok(signed, 'the anchor’s device signs');
    await world.connect('bob', {
      identity: bobIdentity,
      admission: Buffer.from(signed).toString('base64url'),
    });
    await world.settle();
    assert.deepEqual(world.agreement().members, ['bob', 'owner']);
    assert.ok(!world.heard.get('owner')?.includes('e2eeAdmissionRequest'), 'the owner was not asked');
    // Any other device has nothing to sign with.
    assert.equal(await world.clients.get('bob')!.member.admit('carol', bobIdentity.publicKey), null);
  });

  test('E2EE-ADMIT: an admission forged for a lobby admission gets nobody into the group', async () => {
    const world = await World.create();
    const owner = await world.connect('owner', { owner: true });
    await world.settle();
    const mallory = await world.connect('mallory', { admission: 'AAAA' });
    await world.settle();
    assert.equal(mallory.member.snapshot().status, 'waiting');
    assert.deepEqual(mallory.installed, []);
    assert.deepEqual(
      owner.member.snapshot().members.map((m) => m.participantId),
      ['owner'],
    );
  });

  test('E2EE-ADMIT: only the anchor’s device may admit, and only someone who is waiting', async () => {
    const world = await World.inGroup(['bob']);
    const refusal = (err: unknown) => err instanceof AppError && err.code === 'e2ee_refused';
    await assert.rejects(
      world.delivery.handle('bob', { type: 'e2eeAdmit', participantId: 'owner', admission: 'AAAA' }),
      refusal,
    );
    await assert.rejects(
      world.delivery.handle('owner', { type: 'e2eeAdmit', participantId: 'bob', admission: 'AAAA' }),
      refusal,
    );
    await assert.rejects(
      world.delivery.handle('bob', { type: 'e2eeKeyPackage', keyPackage: 'AAAA' }),
      refusal,
    );
  });

  test('NET-SCALE: another node serves the group from the state the first wrote: same epoch, and members accept its proposals (a newcomer added, a leaver removed)', async () => {
    const world = await World.inGroup(['bob']);
    const before = world.agreement();
    world.takeOver();
    await world.settle();
    assert.deepEqual(world.agreement(), before, 'nothing changed for the members');
    // Only the group's own external sender's proposals are accepted: this proves the key moved.
    await world.connect('carol');
    await world.settle();
    const added = world.agreement();
    assert.deepEqual(added.members, ['bob', 'carol', 'owner']);
    assert.ok(added.epoch > before.epoch);
    await world.disconnect('bob');
    await world.settle();
    assert.deepEqual(world.agreement().members, ['carol', 'owner']);
  });

  for (const step of ['e2eeAdmit', 'e2eeKeyPackage', 'e2eeCommit', 'e2eeReady'] as const) {
    test(`NET-SCALE: a newcomer's addition in flight when the node dies (its ${step} not yet delivered) completes on the next node`, async () => {
      const world = await World.inGroup(['bob']);
      const before = world.agreement();
      world.holding.add(step);
      await world.connect('carol');
      await world.settle();
      world.takeOver();
      await world.settle(400);
      await world.settle();
      const after = world.agreement();
      assert.deepEqual(after.members, ['bob', 'carol', 'owner']);
      // One commit added Carol: nobody was asked to commit twice, and no second group was made.
      assert.equal(after.epoch, before.epoch + 1n);
    });
  }

  test('NET-SCALE: someone who left while no node served the group is removed by the next', async () => {
    const world = await World.inGroup(['bob', 'carol']);
    world.takeOver(['carol']);
    await world.settle();
    assert.deepEqual(world.agreement().members, ['bob', 'owner']);
  });
});
