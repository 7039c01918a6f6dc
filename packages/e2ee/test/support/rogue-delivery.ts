import type { ClientMessage, ClientMessageOf, E2eeServerMessage } from '@conclave/protocol';
import {
  deliver,
  deviceIdentity,
  E2eeMember,
  externalProposal,
  fromBase64Url,
  generateDeliveryServiceKeys,
  generateIdentityKeys,
  MediaKeyRing,
  signalingTransport,
  toBase64Url,
  type DeliveryServiceKeys,
  type DeviceIdentity,
  type EpochKeySink,
  type MemberSnapshot,
} from '../../src/index';

type ClientType = ClientMessage['type'];

/**
 * A participant's media keys as its worker holds them (one MediaKeyRing per group, made by the first
 * install, gone on clear), plus every base key it was ever given: what a participant that kept
 * everything could still try.
 */
class WorkerRing implements EpochKeySink {
  ring: MediaKeyRing | null = null;
  readonly everHeld = new Map<bigint, Uint8Array>();

  install(epoch: bigint, baseKey: Uint8Array, ownLeaf: number): void {
    this.ring ??= new MediaKeyRing({ senderIndex: ownLeaf });
    this.ring.install(epoch, baseKey);
    this.everHeld.set(epoch, baseKey.slice());
  }

  activate(epoch: bigint): void {
    this.ring!.activate(epoch);
  }

  clear(): void {
    this.ring?.forgetAll();
    this.ring = null;
  }
}

/** An honest participant: the real E2eeMember, fed signaling frames and answering with them. */
export class Participant {
  readonly keys = new WorkerRing();
  readonly member: E2eeMember;
  /** Everything the member sent, oldest first; the rogue server takes what it wants. */
  readonly outbox: ClientMessage[] = [];

  constructor(
    readonly id: string,
    readonly identity: DeviceIdentity,
    joinInfo: {
      meetingId: string;
      deliveryServiceKey: Uint8Array;
      anchorKey: Uint8Array<ArrayBuffer> | null;
    },
    now: () => number,
  ) {
    this.member = new E2eeMember({
      meetingId: joinInfo.meetingId,
      participantId: id,
      identity,
      deliveryServiceKey: joinInfo.deliveryServiceKey,
      anchorKey: joinInfo.anchorKey,
      transport: signalingTransport((message) => this.outbox.push(message)),
      keys: this.keys,
      now,
    });
  }

  /** Hands frames to the member in order, as the signaling client does; a member that throws fails the test. */
  async receive(...messages: E2eeServerMessage[]): Promise<void> {
    for (const message of messages) await deliver(this.member, message);
  }

  /** Removes and returns what the member sent of one type. */
  take<T extends ClientType>(type: T): ClientMessageOf<T>[] {
    const taken = this.outbox.filter((m): m is ClientMessageOf<T> => m.type === type);
    for (const m of taken) this.outbox.splice(this.outbox.indexOf(m), 1);
    return taken;
  }

  snapshot(): MemberSnapshot {
    return this.member.snapshot();
  }

  get leaf(): number {
    const own = this.snapshot().members.find((m) => m.participantId === this.id);
    if (!own) throw new Error(`${this.id} is not in its own group`);
    return own.leaf;
  }
}

const only = <T>(items: T[], what: string): T => {
  if (items.length !== 1) throw new Error(`expected one ${what}, got ${items.length}`);
  return items[0]!;
};

/**
 * A signaling server that is the delivery service and misbehaves at will: it holds its own
 * delivery-service keys (the ones every page trusts, since the server hands them out), tells each
 * participant what it likes, and sends honest members exactly the frames the real server would, or
 * others. The honest path is a series of small steps so that each test can do one of them wrong.
 */
export class RogueDelivery {
  readonly groupId = crypto.getRandomValues(new Uint8Array(16));
  /** A shared clock every participant reads (tests move it). */
  now = Date.now();

  private constructor(
    readonly meetingId: string,
    readonly keys: DeliveryServiceKeys,
  ) {}

  static async start(meetingId = 'meeting-1'): Promise<RogueDelivery> {
    return new RogueDelivery(meetingId, await generateDeliveryServiceKeys());
  }

  /** A participant joins; the server's `joined` names the anchor it chooses (the owner's key, honestly). */
  async join(id: string, anchorKey: Uint8Array<ArrayBuffer> | null, identity?: DeviceIdentity) {
    const who = identity ?? (await deviceIdentity(await generateIdentityKeys()));
    const info = { meetingId: this.meetingId, deliveryServiceKey: this.keys.publicKey, anchorKey };
    return new Participant(id, who, info, () => this.now);
  }

  async createGroup(owner: Participant): Promise<void> {
    await owner.receive({ type: 'e2eeCreateGroup', groupId: toBase64Url(this.groupId) });
    only(owner.take('e2eeGroupCreated'), 'group creation');
  }

  /** Asks the anchor to admit `who` (with the identity key the server claims is theirs); returns the admission. */
  async requestAdmission(
    anchor: Participant,
    participantId: string,
    identityKey: Uint8Array,
  ): Promise<string> {
    await anchor.receive({
      type: 'e2eeAdmissionRequest',
      participantId,
      displayName: participantId,
      identityKey: toBase64Url(identityKey),
    });
    return only(anchor.take('e2eeAdmit'), 'admission').admission;
  }

  /** Hands an admission to a participant, which answers with its key package (returned) if it accepts. */
  async admitted(p: Participant, admission: string, anchorKey: Uint8Array): Promise<Uint8Array | null> {
    await p.receive({
      type: 'e2eeAdmitted',
      admission,
      groupId: toBase64Url(this.groupId),
      anchorKey: toBase64Url(anchorKey),
    });
    const sent = p.take('e2eeKeyPackage');
    return sent.length === 0 ? null : fromBase64Url(only(sent, 'key package').keyPackage);
  }

  /** Signs an Add or Remove proposal for `epoch` and shows it to `to`. */
  async propose(epoch: bigint, change: { add: Uint8Array } | { remove: number }, to: Participant[]) {
    const message = await externalProposal(this.keys, { groupId: this.groupId, epoch }, change);
    for (const p of to)
      await p.receive({ type: 'e2eeProposal', epoch: Number(epoch), message: toBase64Url(message) });
    return message;
  }

  /** Asks one member to commit what it holds; returns its commit and Welcome as it sent them. */
  async commitOf(committer: Participant, epoch: bigint): Promise<ClientMessageOf<'e2eeCommit'>> {
    await committer.receive({ type: 'e2eeCommitRequest', epoch: Number(epoch) });
    return only(committer.take('e2eeCommit'), 'commit');
  }

  /** Relays a commit leading into `epoch` to members and its Welcome to joiners; then lets them switch. */
  async apply(
    epoch: bigint,
    commit: ClientMessageOf<'e2eeCommit'>,
    members: Participant[],
    joiners: Participant[] = [],
  ): Promise<void> {
    for (const m of members)
      await m.receive({ type: 'e2eeCommit', epoch: Number(epoch), message: commit.commit });
    for (const j of joiners)
      await j.receive({ type: 'e2eeWelcome', epoch: Number(epoch), welcome: commit.welcome! });
    for (const p of [...members, ...joiners]) {
      p.take('e2eeReady');
      await p.receive({ type: 'e2eeExecute', epoch: Number(epoch) });
    }
  }

  /** The honest path for one join: admission by the anchor, key package, Add, commit, Welcome. */
  async add(anchor: Participant, joiner: Participant, members: Participant[]): Promise<void> {
    const admission = await this.requestAdmission(anchor, joiner.id, joiner.identity.publicKey);
    const keyPackage = await this.admitted(joiner, admission, anchor.identity.publicKey);
    if (!keyPackage) throw new Error(`${joiner.id} refused its admission`);
    await this.addKeyPackage(keyPackage, members, joiner);
  }

  /** Proposes adding a key package, has the first member commit, relays commit and Welcome. */
  async addKeyPackage(keyPackage: Uint8Array, members: Participant[], joiner?: Participant) {
    const epoch = epochOf(members[0]!);
    await this.propose(epoch, { add: keyPackage }, members);
    const commit = await this.commitOf(members[0]!, epoch);
    await this.apply(epoch + 1n, commit, members, joiner ? [joiner] : []);
    return commit;
  }

  /** The honest path for one removal, shown to `shownTo` (the remaining members, and the removed one or not). */
  async remove(gone: Participant, remaining: Participant[], shownTo: Participant[]) {
    const epoch = epochOf(remaining[0]!);
    const proposal = await this.propose(epoch, { remove: gone.leaf }, shownTo);
    const commit = await this.commitOf(remaining[0]!, epoch);
    await this.apply(epoch + 1n, commit, shownTo);
    return { proposal, commit };
  }
}

export function epochOf(p: Participant): bigint {
  const epoch = p.snapshot().epoch;
  if (epoch === null) throw new Error(`${p.id} holds no epoch`);
  return epoch;
}
