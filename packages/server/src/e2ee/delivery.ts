import { randomBytes } from 'node:crypto';
import {
  decodeLeafCredential,
  externalProposal,
  inspectHandshake,
  isWelcome,
  keyPackageCredential,
  proposalReference,
  type DeliveryServiceKeys,
} from '@conclave/e2ee';
import type { ClientMessageOf, E2eeJoinInfo, E2eeServerMessage } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MediaLogger } from '../media/logger';
import { LeafMap } from './leaves';
import { realTimers, type Timers } from './timers';

export interface DeliveryParticipant {
  id: string;
  identityKey: Uint8Array;
  displayName: string;
  /** Signed by the anchor's device as its person let them in from the lobby: no request needed. */
  admission?: string;
  send(message: E2eeServerMessage): void;
}

export interface DeliveryOptions {
  meetingId: string;
  keys: DeliveryServiceKeys;
  /** The owner's identity key registered with the meeting, if any. */
  anchorKey: Uint8Array | null;
  /** The owner joined a meeting without an anchor: this key becomes it. */
  onAnchor: (key: Uint8Array) => void;
  /** A key update at least this often (0: only on joins and leaves). */
  rotateEveryMs: number;
  /** A committer silent this long is passed over for the next. */
  commitTimeoutMs: number;
  /** Senders switch this long after a commit even if not every member said it is ready. */
  readyTimeoutMs: number;
  logger: MediaLogger;
  timers?: Timers;
}

type E2eeClientMessage = ClientMessageOf<
  'e2eeGroupCreated' | 'e2eeAdmit' | 'e2eeKeyPackage' | 'e2eeCommit' | 'e2eeReady'
>;

type Stage = 'waiting' | 'requested' | 'admitted' | 'keyed' | 'proposed' | 'member';

interface Person {
  p: DeliveryParticipant;
  stage: Stage;
  keyPackage?: Uint8Array;
}

interface Round {
  epoch: bigint;
  /** Proposal references (hex) → the participant added, or the leaf removed. */
  proposals: Map<string, { add: string } | { remove: number }>;
  committer: string;
  passedOver: Set<string>;
  cancelTimer: () => void;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const refused = (message: string) => new AppError(409, 'e2ee_refused', message);

/**
 * The MLS delivery service of one E2EE meeting (issue 6, part 2): it relays, orders and checks the
 * shape of handshake messages, signs Add/Remove proposals as the group's only external sender, and
 * picks one committer at a time. It holds no group secret, and nothing it does can give it one: its
 * checks keep honest clients in step, while the clients' own checks are what stop a dishonest server.
 *
 * One change at a time: a round proposes only removals, or only additions, or nothing (a key
 * update), waits for the first valid commit, then for every member to say it can decrypt the new
 * epoch (or a timeout), and only then lets senders switch and starts the next round.
 */
export class GroupDelivery {
  private readonly people = new Map<string, Person>();
  private anchorKey: Uint8Array | null;
  private group: { id: Uint8Array; epoch: bigint; leaves: LeafMap } | null = null;
  private creating: { groupId: string; by: string } | null = null;
  private round: Round | null = null;
  private transition: { epoch: bigint; waiting: Set<string>; cancelTimer: () => void } | null = null;
  private readonly removals: number[] = [];
  private rotationDue = false;
  private readonly cancelRotation: () => void;
  private queue: Promise<void> = Promise.resolve();
  private readonly timers: Timers;
  private closed = false;

  constructor(private readonly o: DeliveryOptions) {
    this.anchorKey = o.anchorKey;
    this.timers = o.timers ?? realTimers;
    this.cancelRotation = o.rotateEveryMs > 0 ? this.scheduleRotation() : () => undefined;
  }

  joinInfo(): E2eeJoinInfo {
    return {
      deliveryServiceKey: b64(this.o.keys.publicKey),
      anchorKey: this.anchorKey && b64(this.anchorKey),
    };
  }

  /** Call before `joined` is sent, so that the anchor it reports is the one this join may set. */
  registerOwner(identityKey: Uint8Array): void {
    if (this.anchorKey) return;
    this.anchorKey = identityKey;
    this.o.onAnchor(identityKey);
  }

  join(p: DeliveryParticipant): Promise<void> {
    return this.run(() => {
      this.people.set(p.id, { p, stage: 'waiting' });
      this.progress();
      return Promise.resolve();
    });
  }

  leave(participantId: string): Promise<void> {
    return this.run(async () => {
      const person = this.people.get(participantId);
      if (!person) return;
      this.people.delete(participantId);
      if (this.creating?.by === participantId) this.creating = null;
      const leaf = this.group?.leaves.leafOf(participantId) ?? null;
      if (leaf !== null) this.removals.push(leaf);
      if (this.members().length === 0) {
        this.reset();
      } else {
        this.transition?.waiting.delete(participantId);
        if (this.transition?.waiting.size === 0) this.execute();
        if (this.round?.committer === participantId) this.requestCommit(this.round);
      }
      await this.pump();
    });
  }

  handle(participantId: string, message: E2eeClientMessage): Promise<void> {
    return this.run(async () => {
      const person = this.people.get(participantId);
      if (!person) throw refused('You are not in this meeting');
      switch (message.type) {
        case 'e2eeGroupCreated':
          return this.groupCreated(person, message.groupId);
        case 'e2eeAdmit':
          return this.admit(person, message.participantId, message.admission);
        case 'e2eeKeyPackage':
          return this.keyPackage(person, unb64(message.keyPackage));
        case 'e2eeCommit':
          return this.commit(person, message);
        case 'e2eeReady':
          return this.ready(person, BigInt(message.epoch));
      }
    });
  }

  close(): void {
    this.closed = true;
    this.cancelRotation();
    this.reset();
  }

  private groupCreated(person: Person, groupId: string): Promise<void> {
    if (this.creating?.by !== person.p.id || this.creating.groupId !== groupId) {
      throw refused('No group creation was asked of you');
    }
    this.creating = null;
    const leaves = new LeafMap();
    leaves.add(person.p.id);
    this.group = { id: unb64(groupId), epoch: 0n, leaves };
    person.stage = 'member';
    this.o.logger.info({ meetingId: this.o.meetingId }, 'E2EE group created');
    this.progress();
    return this.pump();
  }

  private admit(person: Person, participantId: string, admission: string): Promise<void> {
    if (!this.isAnchorPerson(person)) throw refused('Only the meeting owner’s device admits');
    const subject = this.people.get(participantId);
    if (subject?.stage !== 'requested' || !this.group) throw refused('Nobody by that id is waiting');
    this.sendAdmitted(subject, admission, this.group.id);
    return Promise.resolve();
  }

  private sendAdmitted(subject: Person, admission: string, groupId: Uint8Array): void {
    subject.stage = 'admitted';
    subject.p.send({
      type: 'e2eeAdmitted',
      admission,
      groupId: b64(groupId),
      anchorKey: b64(this.anchorKey!),
    });
  }

  /** Whether this participant joined from the anchor's device. */
  isAnchor(participantId: string): boolean {
    const person = this.people.get(participantId);
    return person !== undefined && this.isAnchorPerson(person);
  }

  private keyPackage(person: Person, keyPackage: Uint8Array): Promise<void> {
    if (person.stage !== 'admitted') throw refused('Send a key package once admitted');
    // Only a shape check, so honest clients are not held up by a broken one: whether the leaf may
    // join is every member's own decision.
    const credential = keyPackageCredential(keyPackage);
    const leaf = credential && safely(() => decodeLeafCredential(credential));
    if (
      !leaf ||
      leaf.participantId !== person.p.id ||
      !Buffer.from(leaf.identityKey).equals(person.p.identityKey)
    ) {
      throw refused('This key package is not for you');
    }
    person.stage = 'keyed';
    person.keyPackage = keyPackage;
    return this.pump();
  }

  private async commit(person: Person, message: ClientMessageOf<'e2eeCommit'>): Promise<void> {
    const round = this.round;
    const group = this.group;
    if (!round || !group || BigInt(message.epoch) !== group.epoch) return; // late or duplicate: the first won
    const view = inspectHandshake(unb64(message.commit));
    const committerLeaf = group.leaves.leafOf(person.p.id);
    const references = view?.kind === 'commit' ? view.references.map(hex) : [];
    const valid =
      view?.kind === 'commit' &&
      Buffer.from(view.groupId).equals(group.id) &&
      view.epoch === group.epoch &&
      view.committer === committerLeaf &&
      view.inline === 0 &&
      references.length === round.proposals.size &&
      references.every((r) => round.proposals.has(r));
    const adds = references.flatMap((r) => {
      const change = round.proposals.get(r);
      return change && 'add' in change ? [change.add] : [];
    });
    const welcome = message.welcome === undefined ? null : unb64(message.welcome);
    if (!valid || adds.length > 0 !== (welcome !== null && isWelcome(welcome))) {
      throw refused('This commit does not match the round');
    }
    round.cancelTimer();
    this.round = null;
    group.epoch++;
    for (const change of round.proposals.values()) if ('remove' in change) group.leaves.remove(change.remove);
    for (const id of adds) {
      group.leaves.add(id);
      const joiner = this.people.get(id);
      if (joiner) joiner.stage = 'member';
      // Someone who left while being added is removed again in the next round.
      else this.removals.push(group.leaves.leafOf(id)!);
    }
    const epoch = Number(group.epoch);
    for (const m of this.members()) {
      if (adds.includes(m.p.id)) m.p.send({ type: 'e2eeWelcome', epoch, welcome: message.welcome! });
      else m.p.send({ type: 'e2eeCommit', epoch, message: message.commit });
    }
    const cancelTimer = this.timers.set(
      () => void this.run(async () => this.executeIf(group.epoch)),
      this.o.readyTimeoutMs,
    );
    this.transition = {
      epoch: group.epoch,
      waiting: new Set(this.members().map((m) => m.p.id)),
      cancelTimer,
    };
  }

  private ready(person: Person, epoch: bigint): Promise<void> {
    if (this.transition?.epoch === epoch) {
      this.transition.waiting.delete(person.p.id);
      if (this.transition.waiting.size === 0) this.execute();
    }
    return this.pump();
  }

  private executeIf(epoch: bigint): Promise<void> {
    if (this.transition?.epoch === epoch) this.execute();
    return this.pump();
  }

  /** Senders switch to the new epoch; the next change may start. */
  private execute(): void {
    const transition = this.transition!;
    transition.cancelTimer();
    this.transition = null;
    for (const m of this.members()) m.p.send({ type: 'e2eeExecute', epoch: Number(transition.epoch) });
  }

  /** Starts the next round if nothing is in flight: removals first, then additions, then a due key update. */
  private async pump(): Promise<void> {
    const group = this.group;
    if (this.closed || !group || this.round || this.transition) return;
    const changes: ({ add: string; keyPackage: Uint8Array } | { remove: number })[] = [];
    if (this.removals.length > 0) {
      for (const leaf of this.removals.splice(0)) changes.push({ remove: leaf });
    } else {
      for (const person of this.people.values()) {
        if (person.stage !== 'keyed') continue;
        person.stage = 'proposed';
        changes.push({ add: person.p.id, keyPackage: person.keyPackage! });
      }
    }
    if (changes.length === 0 && !this.rotationDue) return;
    this.rotationDue = false;
    const round: Round = {
      epoch: group.epoch,
      proposals: new Map(),
      committer: '',
      passedOver: new Set(),
      cancelTimer: () => undefined,
    };
    const coordinates = { groupId: group.id, epoch: group.epoch };
    const messages: string[] = [];
    for (const change of changes) {
      const bytes = await externalProposal(
        this.o.keys,
        coordinates,
        'add' in change ? { add: change.keyPackage } : { remove: change.remove },
      );
      round.proposals.set(
        hex(await proposalReference(bytes)),
        'add' in change ? { add: change.add } : change,
      );
      messages.push(b64(bytes));
    }
    this.round = round;
    for (const m of this.members()) {
      for (const message of messages) m.p.send({ type: 'e2eeProposal', epoch: Number(group.epoch), message });
    }
    this.requestCommit(round);
  }

  /**
   * Asks the member on the lowest leaf that is not being removed and has not already let this round
   * time out; when all have, the turn goes round again.
   */
  private requestCommit(round: Round): void {
    round.cancelTimer();
    const removed = new Set([...round.proposals.values()].flatMap((c) => ('remove' in c ? [c.remove] : [])));
    const candidates = (this.group?.leaves.occupied() ?? []).filter(
      (l) => !removed.has(l.leaf) && this.people.get(l.participantId)?.stage === 'member',
    );
    let next = candidates.find((c) => !round.passedOver.has(c.participantId));
    if (!next) {
      round.passedOver.clear();
      next = candidates[0];
    }
    if (!next) return;
    round.committer = next.participantId;
    this.people.get(next.participantId)!.p.send({ type: 'e2eeCommitRequest', epoch: Number(round.epoch) });
    round.cancelTimer = this.timers.set(
      () =>
        void this.run(() => {
          if (this.round !== round) return Promise.resolve();
          this.o.logger.warn(
            { meetingId: this.o.meetingId },
            'E2EE committer did not commit; asking the next',
          );
          round.passedOver.add(round.committer);
          this.requestCommit(round);
          return Promise.resolve();
        }),
      this.o.commitTimeoutMs,
    );
  }

  /** Creates the group when the anchor is here and there is none; asks the anchor to admit who waits. */
  private progress(): void {
    // Admitted from the lobby with the anchor's signature: they need no one else to be here.
    if (this.group && this.anchorKey) {
      for (const person of this.people.values()) {
        if (person.stage === 'waiting' && person.p.admission) {
          this.sendAdmitted(person, person.p.admission, this.group.id);
        }
      }
    }
    const anchor = [...this.people.values()].find((person) => this.isAnchorPerson(person));
    if (!anchor) return;
    if (!this.group) {
      if (this.creating) return;
      const groupId = b64(randomBytes(16));
      this.creating = { groupId, by: anchor.p.id };
      anchor.p.send({ type: 'e2eeCreateGroup', groupId });
      return;
    }
    for (const person of this.people.values()) {
      if (person.stage !== 'waiting' || person === anchor) continue;
      person.stage = 'requested';
      anchor.p.send({
        type: 'e2eeAdmissionRequest',
        participantId: person.p.id,
        displayName: person.p.displayName,
        identityKey: b64(person.p.identityKey),
      });
    }
  }

  private isAnchorPerson(person: Person): boolean {
    return this.anchorKey !== null && Buffer.from(person.p.identityKey).equals(this.anchorKey);
  }

  private members(): Person[] {
    return [...this.people.values()].filter((person) => person.stage === 'member');
  }

  /** The group is gone (its last member left): those still here start over with a new one. */
  private reset(): void {
    this.round?.cancelTimer();
    this.transition?.cancelTimer();
    this.round = null;
    this.transition = null;
    this.group = null;
    this.creating = null;
    this.removals.length = 0;
    for (const person of this.people.values()) {
      person.stage = 'waiting';
      delete person.keyPackage;
    }
    if (!this.closed) this.progress();
  }

  private scheduleRotation(): () => void {
    let cancel = this.timers.set(() => {
      this.rotationDue = true;
      void this.run(() => this.pump());
      cancel = this.scheduleRotation();
    }, this.o.rotateEveryMs);
    return () => cancel();
  }

  private run(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch((err: unknown) => {
      if (!(err instanceof AppError))
        this.o.logger.error({ err, meetingId: this.o.meetingId }, 'E2EE delivery failed');
    });
    return next;
  }
}

function safely<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}
