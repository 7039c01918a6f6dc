import {
  createLeafCredential,
  deviceIdentity,
  encodeLeafCredential,
  externalProposal,
  generateDeliveryServiceKeys,
  generateIdentityKeys,
  generateSigningKeys,
  leafRules,
  MlsGroup,
  PendingMember,
  signAdmission,
  type Admission,
  type DeliveryServiceKeys,
  type DeviceIdentity,
  type LeafRules,
} from '../../src/index';

/** A person with a device identity, as the tests need them. */
export interface Person {
  participantId: string;
  identity: DeviceIdentity;
}

export async function person(participantId: string): Promise<Person> {
  return { participantId, identity: await deviceIdentity(await generateIdentityKeys()) };
}

/**
 * A meeting's MLS group driven the way the control plane drives it: the delivery service proposes,
 * one member commits, every message is relayed to every member. Tests reach into it to misbehave.
 */
export class TestMeeting {
  readonly members = new Map<string, MlsGroup>();

  private constructor(
    readonly meetingId: string,
    readonly owner: Person,
    readonly groupId: Uint8Array,
    readonly ds: DeliveryServiceKeys,
    private clock: () => number,
  ) {}

  static async start(owner: Person, clock: () => number = Date.now): Promise<TestMeeting> {
    const groupId = crypto.getRandomValues(new Uint8Array(16));
    const meeting = new TestMeeting('meeting-1', owner, groupId, await generateDeliveryServiceKeys(), clock);
    const keys = await generateSigningKeys();
    const credential = await meeting.credential(owner, keys.publicKey, await meeting.admit(owner));
    const group = await MlsGroup.create({
      groupId,
      credential,
      keys,
      dsPublicKey: meeting.ds.publicKey,
      rules: meeting.rules(),
    });
    meeting.members.set(owner.participantId, group);
    return meeting;
  }

  rules(): LeafRules {
    return leafRules(
      { meetingId: this.meetingId, anchorKey: this.owner.identity.publicKey, groupId: this.groupId },
      () => this.clock(),
    );
  }

  admit(p: Person, by: Person = this.owner, issuedAt = this.clock()): Promise<Admission> {
    return signAdmission(by.identity, {
      meetingId: this.meetingId,
      participantId: p.participantId,
      identityKey: p.identity.publicKey,
      issuedAt,
    });
  }

  async credential(p: Person, signatureKey: Uint8Array, admission: Admission, groupId = this.groupId) {
    return encodeLeafCredential(
      await createLeafCredential(p.identity, {
        participantId: p.participantId,
        groupId,
        signatureKey,
        admission,
      }),
    );
  }

  get epoch(): bigint {
    return this.any().epoch;
  }

  any(): MlsGroup {
    const first = this.members.values().next().value;
    if (!first) throw new Error('the meeting is empty');
    return first;
  }

  /** The member with the lowest leaf commits, as the control plane asks. */
  committer(): MlsGroup {
    return [...this.members.values()].sort((a, b) => a.ownLeaf - b.ownLeaf)[0]!;
  }

  /** Relays a message to every member; returns each member's verdict. */
  async relay(bytes: Uint8Array, to: Iterable<MlsGroup> = this.members.values()) {
    const out = [];
    for (const m of to) out.push(await m.receive(bytes));
    return out;
  }

  async proposeAdd(keyPackage: Uint8Array) {
    return this.relay(
      await externalProposal(this.ds, { groupId: this.groupId, epoch: this.epoch }, { add: keyPackage }),
    );
  }

  async proposeRemove(leaf: number) {
    return this.relay(
      await externalProposal(this.ds, { groupId: this.groupId, epoch: this.epoch }, { remove: leaf }),
    );
  }

  /** The whole join of one admitted person; returns the joiner's group. */
  async join(p: Person, admission?: Admission): Promise<MlsGroup> {
    const adm = admission ?? (await this.admit(p));
    const pending = await PendingMember.create((key) => this.credential(p, key, adm));
    await this.proposeAdd(pending.keyPackage);
    const { commit, welcome } = await this.committer().commit();
    await this.relay(commit);
    const joined = await pending.join(welcome!, {
      groupId: this.groupId,
      dsPublicKey: this.ds.publicKey,
      rules: this.rules(),
    });
    if (!joined) throw new Error(`${p.participantId} could not join`);
    this.members.set(p.participantId, joined);
    return joined;
  }

  /** The delivery service removes someone; the remaining members commit. Returns the removed one's verdict. */
  async remove(participantId: string) {
    const gone = this.members.get(participantId)!;
    this.members.delete(participantId);
    await this.relay(
      await externalProposal(this.ds, { groupId: this.groupId, epoch: this.epoch }, { remove: gone.ownLeaf }),
      [...this.members.values(), gone],
    );
    const { commit } = await this.committer().commit();
    await this.relay(commit);
    return { gone, verdict: await gone.receive(commit), commit };
  }
}
