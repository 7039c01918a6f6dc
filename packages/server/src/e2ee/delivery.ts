import { fromBase64Url, toBase64Url, type DeliveryServiceKeys } from '@conclave/e2ee';
import type { ClientMessageOf, E2eeJoinInfo } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MediaLogger } from '../media/logger';
import {
  describeModel,
  rebuildModel,
  type DeliveryModel,
  type DeliveryParticipant,
  type DeliveryState,
  type Person,
  type Round,
  type Transition,
} from './delivery-state';
import { Admissions, refused } from './admissions';
import { commitAdds, openRound, type PlannedChange } from './round';
import { realTimers, type Timers } from '../common/timers';

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
  /** Something the state holds may have changed (after each step): it is written for the next owner. */
  onChange?: () => void;
  timers?: Timers;
}

type E2eeClientMessage = ClientMessageOf<
  'e2eeGroupCreated' | 'e2eeAdmit' | 'e2eeKeyPackage' | 'e2eeCommit' | 'e2eeReady'
>;

const b64 = toBase64Url;
const unb64 = fromBase64Url;

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
  private readonly m: DeliveryModel;
  private readonly admissions: Admissions;
  private rotationDue = false;
  private readonly cancelRotation: () => void;
  private queue: Promise<void> = Promise.resolve();
  private readonly timers: Timers;
  private closed = false;

  constructor(
    private readonly o: DeliveryOptions,
    model?: DeliveryModel,
  ) {
    this.m = model ?? {
      keys: o.keys,
      anchorKey: o.anchorKey,
      group: null,
      creating: null,
      people: new Map(),
      round: null,
      transition: null,
      removals: [],
    };
    this.admissions = new Admissions(this.m, o.meetingId, o.logger);
    this.timers = o.timers ?? realTimers;
    this.cancelRotation = o.rotateEveryMs > 0 ? this.scheduleRotation() : () => undefined;
  }

  /**
   * The delivery service of a group another node served until it died (NET-SCALE), from the state it
   * wrote: a round or an epoch switch in flight waits again for its commit or its readiness (which
   * members resend on their new connections), and whoever left meanwhile is removed.
   */
  static resume(
    o: Omit<DeliveryOptions, 'keys' | 'anchorKey'>,
    state: DeliveryState,
    reach: (id: string) => DeliveryParticipant['send'] | null,
  ): GroupDelivery {
    const model = rebuildModel(state, reach);
    const delivery = new GroupDelivery({ ...o, keys: model.keys, anchorKey: model.anchorKey }, model);
    void delivery.run(() => delivery.carryOn());
    return delivery;
  }

  /** What a node taking the meeting over needs to serve the same group. */
  state(): DeliveryState {
    return describeModel(this.m);
  }

  joinInfo(): E2eeJoinInfo {
    return {
      deliveryServiceKey: b64(this.m.keys.publicKey),
      anchorKey: this.m.anchorKey && b64(this.m.anchorKey),
    };
  }

  /** Call before `joined` is sent, so that the anchor it reports is the one this join may set. */
  registerOwner(identityKey: Uint8Array): void {
    if (this.m.anchorKey) return;
    this.m.anchorKey = identityKey;
    this.o.onAnchor(identityKey);
  }

  join(p: DeliveryParticipant): Promise<void> {
    return this.run(() => {
      this.m.people.set(p.id, { p, stage: 'waiting' });
      this.admissions.progress();
      return Promise.resolve();
    });
  }

  leave(participantId: string): Promise<void> {
    return this.run(async () => {
      const person = this.m.people.get(participantId);
      if (!person) return;
      this.m.people.delete(participantId);
      if (this.m.creating?.by === participantId) this.m.creating = null;
      const leaf = this.m.group?.leaves.leafOf(participantId) ?? null;
      if (leaf !== null) this.m.removals.push(leaf);
      if (this.members().length === 0) {
        this.reset();
      } else {
        this.m.transition?.waiting.delete(participantId);
        if (this.m.transition?.waiting.size === 0) this.execute();
        if (this.m.round?.committer === participantId) this.requestCommit(this.m.round);
      }
      await this.pump();
    });
  }

  handle(participantId: string, message: E2eeClientMessage): Promise<void> {
    return this.run(async () => {
      const person = this.m.people.get(participantId);
      if (!person) throw refused('You are not in this meeting');
      switch (message.type) {
        case 'e2eeGroupCreated':
          this.admissions.groupCreated(person, message.groupId);
          return this.pump();
        case 'e2eeAdmit':
          return this.admissions.admit(person, message.participantId, message.admission);
        case 'e2eeKeyPackage':
          this.admissions.keyPackage(person, unb64(message.keyPackage));
          return this.pump();
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

  /** Whether this participant joined from the anchor's device. */
  isAnchor(participantId: string): boolean {
    const person = this.m.people.get(participantId);
    return person !== undefined && this.admissions.isAnchor(person);
  }

  private async commit(person: Person, message: ClientMessageOf<'e2eeCommit'>): Promise<void> {
    const round = this.m.round;
    const group = this.m.group;
    if (!round || !group || BigInt(message.epoch) !== group.epoch) return; // late or duplicate: the first won
    const adds = commitAdds(round, group, group.leaves.leafOf(person.p.id), message);
    if (!adds) throw refused('This commit does not match the round');
    round.cancelTimer();
    this.m.round = null;
    group.epoch++;
    for (const change of round.proposals.values()) if ('remove' in change) group.leaves.remove(change.remove);
    for (const id of adds) {
      group.leaves.add(id);
      const joiner = this.m.people.get(id);
      if (joiner) joiner.stage = 'member';
      // Someone who left while being added is removed again in the next round.
      else this.m.removals.push(group.leaves.leafOf(id)!);
    }
    const epoch = Number(group.epoch);
    for (const m of this.members()) {
      if (adds.includes(m.p.id)) m.p.send({ type: 'e2eeWelcome', epoch, welcome: message.welcome! });
      else m.p.send({ type: 'e2eeCommit', epoch, message: message.commit });
    }
    this.m.transition = {
      epoch: group.epoch,
      waiting: new Set(this.members().map((m) => m.p.id)),
      cancelTimer: () => undefined,
    };
    this.awaitReadiness(this.m.transition);
  }

  /** Senders switch once every member is ready, or after readyTimeoutMs at the latest. */
  private awaitReadiness(transition: Transition): void {
    transition.cancelTimer = this.timers.set(
      () => void this.run(async () => this.executeIf(transition.epoch)),
      this.o.readyTimeoutMs,
    );
  }

  private ready(person: Person, epoch: bigint): Promise<void> {
    if (this.m.transition?.epoch === epoch) {
      this.m.transition.waiting.delete(person.p.id);
      if (this.m.transition.waiting.size === 0) this.execute();
    }
    return this.pump();
  }

  private executeIf(epoch: bigint): Promise<void> {
    if (this.m.transition?.epoch === epoch) this.execute();
    return this.pump();
  }

  /** Senders switch to the new epoch; the next change may start. */
  private execute(): void {
    const transition = this.m.transition!;
    transition.cancelTimer();
    this.m.transition = null;
    for (const m of this.members()) m.p.send({ type: 'e2eeExecute', epoch: Number(transition.epoch) });
  }

  /** Starts the next round if nothing is in flight: removals first, then additions, then a due key update. */
  private async pump(): Promise<void> {
    const group = this.m.group;
    if (this.closed || !group || this.m.round || this.m.transition) return;
    const changes: PlannedChange[] = [];
    if (this.m.removals.length > 0) {
      for (const leaf of this.m.removals.splice(0)) changes.push({ remove: leaf });
    } else {
      for (const person of this.m.people.values()) {
        if (person.stage !== 'keyed') continue;
        person.stage = 'proposed';
        changes.push({ add: person.p.id, keyPackage: person.keyPackage! });
      }
    }
    if (changes.length === 0 && !this.rotationDue) return;
    this.rotationDue = false;
    const { round, messages } = await openRound(this.m.keys, group, changes);
    this.m.round = round;
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
    const candidates = (this.m.group?.leaves.occupied() ?? []).filter(
      (l) => !removed.has(l.leaf) && this.m.people.get(l.participantId)?.stage === 'member',
    );
    let next = candidates.find((c) => !round.passedOver.has(c.participantId));
    if (!next) {
      round.passedOver.clear();
      next = candidates[0];
    }
    if (!next) return;
    round.committer = next.participantId;
    this.m.people.get(next.participantId)!.p.send({ type: 'e2eeCommitRequest', epoch: Number(round.epoch) });
    this.awaitCommit(round);
  }

  /** The committer has commitTimeoutMs to commit; then the next is asked. */
  private awaitCommit(round: Round): void {
    round.cancelTimer = this.timers.set(
      () =>
        void this.run(() => {
          if (this.m.round !== round) return Promise.resolve();
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

  /**
   * Goes on from a state taken over: the committer is not asked again (a second commit from it would
   * clash with the first, which its client resends), only given its time once more; likewise the
   * members' readiness. A committer or anyone awaited who is gone is dealt with as on a leave.
   */
  private carryOn(): Promise<void> {
    const { round, transition } = this.m;
    if (round) {
      if (this.m.people.get(round.committer)?.stage === 'member') this.awaitCommit(round);
      else this.requestCommit(round);
    }
    if (transition) {
      if (transition.waiting.size === 0) this.execute();
      else this.awaitReadiness(transition);
    }
    // Its last members left while no node held the room: those still here start over.
    if (this.m.group && this.members().length === 0) this.reset();
    else this.admissions.progress();
    return this.pump();
  }

  private members(): Person[] {
    return [...this.m.people.values()].filter((person) => person.stage === 'member');
  }

  /** The group is gone (its last member left): those still here start over with a new one. */
  private reset(): void {
    this.m.round?.cancelTimer();
    this.m.transition?.cancelTimer();
    this.m.round = null;
    this.m.transition = null;
    this.m.group = null;
    this.m.creating = null;
    this.m.removals.length = 0;
    for (const person of this.m.people.values()) {
      person.stage = 'waiting';
      delete person.keyPackage;
    }
    if (!this.closed) this.admissions.progress();
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
    const next = this.queue.then(step).finally(() => this.o.onChange?.());
    this.queue = next.catch((err: unknown) => {
      if (!(err instanceof AppError))
        this.o.logger.error({ err, meetingId: this.o.meetingId }, 'E2EE delivery failed');
    });
    return next;
  }
}
