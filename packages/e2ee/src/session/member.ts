import { signAdmission, decodeAdmission, encodeAdmission, verifyAdmission } from '../identity/admission';
import type { DeviceIdentity } from '../identity/device-identity';
import {
  createLeafCredential,
  decodeLeafCredential,
  encodeLeafCredential,
} from '../identity/leaf-credential';
import { leafRules } from '../identity/leaf-rules';
import { generateSigningKeys, MlsGroup, PendingMember, type LeafRules } from '../mls/group';
import { MEDIA_BASE_KEY_LENGTH } from '../media/kid';
import { equalBytes } from '../sframe/bytes';

/** RFC 9605 §5.2: the SFrame base key of an epoch is MLS-Exporter(this label, "", AEAD.Nk). */
const SFRAME_BASE_KEY_LABEL = 'SFrame 1.0 Base Key';

/** What a member sends to the delivery service; the signaling client implements it. */
export interface MemberTransport {
  groupCreated(groupId: Uint8Array): void;
  admit(participantId: string, admission: Uint8Array): void;
  keyPackage(keyPackage: Uint8Array): void;
  commit(epoch: bigint, commit: Uint8Array, welcome: Uint8Array | null): void;
  ready(epoch: bigint): void;
}

/** Where epoch keys go: the media worker's key ring. */
export interface EpochKeySink {
  /** Receivers can decrypt `epoch` from now on; senders stay where they are. */
  install(epoch: bigint, baseKey: Uint8Array, ownLeaf: number): void;
  /**
   * Senders switch to `epoch`. `newcomers`: someone decodes this group's media for the first time
   * from this epoch on (it added members, or it is this member's first): video should start again
   * on a key frame, which they cannot decode without.
   */
  activate(epoch: bigint, newcomers: boolean): void;
  /** Out of the group: every key goes. */
  clear(): void;
}

export type MemberStatus =
  /** Not admitted yet (or the anchor is away). */
  | 'waiting'
  /** Admitted; the key package is out, the Welcome not in yet. */
  | 'joining'
  | 'member'
  /** A commit removed this member, or it refused the group it was shown. */
  | 'removed'
  | 'refused';

export interface GroupMemberInfo {
  participantId: string;
  identityKey: Uint8Array;
  leaf: number;
}

export interface MemberSnapshot {
  status: MemberStatus;
  epoch: bigint | null;
  /** Equal for two members exactly when they share the group state (E2EE-SECURITY-CODE). */
  epochAuthenticator: Uint8Array | null;
  /** Everyone in the group, as the group itself (not the server) says. */
  members: GroupMemberInfo[];
}

export interface MemberOptions {
  meetingId: string;
  participantId: string;
  identity: DeviceIdentity;
  deliveryServiceKey: Uint8Array;
  /** The meeting owner's identity key; null while the meeting has none registered. */
  anchorKey: Uint8Array<ArrayBuffer> | null;
  transport: MemberTransport;
  keys: EpochKeySink;
  onChange?: (snapshot: MemberSnapshot) => void;
  now?: () => number;
}

/**
 * One participant's side of the E2EE group, driven by what the delivery service sends and kept
 * independent of any transport. Messages are handled strictly one at a time, in arrival order,
 * because each MLS step depends on the state the previous one left.
 */
export class E2eeMember {
  private group: MlsGroup | null = null;
  private pending: PendingMember | null = null;
  private groupId: Uint8Array | null = null;
  private status: MemberStatus = 'waiting';
  /** The epoch whose commit (or Welcome) brought someone new, until senders switch to it. */
  private newcomersAt: bigint | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly o: MemberOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Whether this device holds the meeting's trust anchor and so creates the group and admits. */
  get isAnchor(): boolean {
    return this.o.anchorKey !== null && equalBytes(this.o.anchorKey, this.o.identity.publicKey);
  }

  snapshot(): MemberSnapshot {
    const group = this.group;
    return {
      status: this.status,
      epoch: group?.epoch ?? null,
      epochAuthenticator: group?.epochAuthenticator ?? null,
      members: group ? membersOf(group) : [],
    };
  }

  /** Resolves when every message received so far has been handled. */
  settled(): Promise<void> {
    return this.queue;
  }

  createGroup(groupId: Uint8Array): Promise<void> {
    return this.run(async () => {
      if (!this.isAnchor || this.group) return;
      const admission = await this.admission(this.o.participantId, this.o.identity.publicKey);
      const keys = await generateSigningKeys();
      const credential = await this.credential(groupId, keys.publicKey, admission);
      this.groupId = groupId;
      this.group = await MlsGroup.create({
        groupId,
        credential,
        keys,
        dsPublicKey: this.o.deliveryServiceKey,
        rules: this.rules(groupId),
      });
      this.status = 'member';
      await this.installCurrent();
      this.o.keys.activate(this.group.epoch, false);
      this.o.transport.groupCreated(groupId);
    });
  }

  /**
   * The anchor's admission of someone its person lets in from the lobby (MEET-LOBBY): signed at that
   * decision, it travels with it. Null on any other device.
   */
  async admit(participantId: string, identityKey: Uint8Array<ArrayBuffer>): Promise<Uint8Array | null> {
    if (!this.isAnchor) return null;
    return encodeAdmission(await this.admission(participantId, identityKey));
  }

  /**
   * The anchor admits whoever the server announces without a lobby decision: people the lobby did
   * not hold (it was off for them, or they are moderators). docs/e2ee.md states this limit.
   */
  admissionRequested(participantId: string, identityKey: Uint8Array<ArrayBuffer>): Promise<void> {
    return this.run(async () => {
      if (!this.isAnchor) return;
      const admission = await this.admission(participantId, identityKey);
      this.o.transport.admit(participantId, encodeAdmission(admission));
    });
  }

  admitted(
    admissionBytes: Uint8Array,
    groupId: Uint8Array,
    anchorKey: Uint8Array<ArrayBuffer>,
  ): Promise<void> {
    return this.run(async () => {
      if (this.group || this.pending) return;
      if (this.o.anchorKey && !equalBytes(anchorKey, this.o.anchorKey)) return;
      const admission = decodeAdmission(admissionBytes);
      const policy = { meetingId: this.o.meetingId, anchorKey };
      const mine = { participantId: this.o.participantId, identityKey: this.o.identity.publicKey };
      if (!(await verifyAdmission(admission, policy, mine))) return;
      this.o.anchorKey = anchorKey;
      this.groupId = groupId;
      this.pending = await PendingMember.create((signatureKey) =>
        this.credential(groupId, signatureKey, admission),
      );
      this.status = 'joining';
      this.o.transport.keyPackage(this.pending.keyPackage);
      this.changed();
    });
  }

  proposal(epoch: bigint, message: Uint8Array): Promise<void> {
    return this.run(async () => {
      if (this.group?.epoch !== epoch) return;
      await this.group.receive(message);
    });
  }

  commitRequested(epoch: bigint): Promise<void> {
    return this.run(async () => {
      const group = this.group;
      if (group?.epoch !== epoch) return;
      const { commit, welcome } = await group.commit();
      this.o.transport.commit(epoch, commit, welcome);
    });
  }

  /** The commit that leads into `epoch`. */
  commit(epoch: bigint, message: Uint8Array): Promise<void> {
    return this.run(async () => {
      const group = this.group;
      if (group?.epoch !== epoch - 1n) return;
      const before = new Set(group.members().map((m) => m.leaf));
      const result = await group.receive(message);
      if (result.kind === 'removed') {
        this.leaveGroup('removed');
      } else if (result.kind === 'commit') {
        // A commit never both removes and adds: a leaf that was not there is someone new.
        if (group.members().some((m) => !before.has(m.leaf))) this.newcomersAt = result.epoch;
        await this.installCurrent();
        this.o.transport.ready(result.epoch);
      }
    });
  }

  welcome(epoch: bigint, welcome: Uint8Array): Promise<void> {
    return this.run(async () => {
      const pending = this.pending;
      if (!pending || !this.groupId || !this.o.anchorKey) return;
      const group = await pending.join(welcome, {
        groupId: this.groupId,
        dsPublicKey: this.o.deliveryServiceKey,
        rules: this.rules(this.groupId),
      });
      if (!group || group.epoch !== epoch) {
        this.pending = null;
        this.status = 'refused';
        this.changed();
        return;
      }
      this.pending = null;
      this.group = group;
      this.status = 'member';
      // Nobody has decoded this member's video yet: whatever its encoder made before went nowhere.
      this.newcomersAt = epoch;
      await this.installCurrent();
      this.o.transport.ready(epoch);
    });
  }

  /**
   * Seals something for the group's members only (E2EE-CHAT), in the epoch this member is in when
   * its turn in the queue comes; null while it holds no keys (before its Welcome, after removal).
   */
  seal(data: Uint8Array): Promise<Uint8Array | null> {
    return this.run(async () => (this.group ? this.group.seal(data) : null));
  }

  /**
   * Opens another member's sealed message, in turn with the commits around it, so a message of an
   * epoch is opened with that epoch's keys; says which participant's leaf wrote it. Null for what
   * this member cannot open: sent before it joined, or not from the group at all.
   */
  open(sealed: Uint8Array): Promise<{ participantId: string; data: Uint8Array } | null> {
    return this.run(async () => {
      const opened = await this.group?.open(sealed);
      if (!opened) return null;
      return { participantId: decodeLeafCredential(opened.credential).participantId, data: opened.plaintext };
    });
  }

  execute(epoch: bigint): Promise<void> {
    return this.run(async () => {
      if (this.group?.epoch !== epoch) return;
      this.o.keys.activate(epoch, this.newcomersAt === epoch);
      this.newcomersAt = null;
    });
  }

  private async installCurrent(): Promise<void> {
    const group = this.group!;
    const baseKey = await group.exportSecret(SFRAME_BASE_KEY_LABEL, new Uint8Array(), MEDIA_BASE_KEY_LENGTH);
    this.o.keys.install(group.epoch, baseKey, group.ownLeaf);
    this.changed();
  }

  private leaveGroup(status: MemberStatus): void {
    this.group = null;
    this.pending = null;
    this.status = status;
    this.o.keys.clear();
    this.changed();
  }

  private admission(participantId: string, identityKey: Uint8Array<ArrayBuffer>) {
    return signAdmission(this.o.identity, {
      meetingId: this.o.meetingId,
      participantId,
      identityKey,
      issuedAt: this.now(),
    });
  }

  private async credential(
    groupId: Uint8Array,
    signatureKey: Uint8Array,
    admission: Awaited<ReturnType<typeof signAdmission>>,
  ) {
    const credential = await createLeafCredential(this.o.identity, {
      participantId: this.o.participantId,
      groupId,
      signatureKey,
      admission,
    });
    return encodeLeafCredential(credential);
  }

  private rules(groupId: Uint8Array): LeafRules {
    return leafRules({ meetingId: this.o.meetingId, anchorKey: this.o.anchorKey!, groupId }, this.now);
  }

  private changed(): void {
    this.o.onChange?.(this.snapshot());
  }

  /** Queues a step; a step that throws is logged by the caller's promise and does not stop the queue. */
  private run<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(step);
    this.queue = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}

function membersOf(group: MlsGroup): GroupMemberInfo[] {
  return group.members().map((m) => {
    const c = decodeLeafCredential(m.credential);
    return { participantId: c.participantId, identityKey: c.identityKey, leaf: m.leaf };
  });
}
