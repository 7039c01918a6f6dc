// The rotation benchmark's simulated group: members of the real E2EE package (E2eeMember) and the
// server's real delivery service (GroupDelivery, with the server's own timeouts), wired in memory as
// packages/server/test/e2ee-delivery.test.ts does. Every member runs on this one Node thread, so the
// members' work that would run side by side on their own devices here runs one after another.
import {
  deliver,
  deviceIdentity,
  E2eeMember,
  fromBase64Url,
  generateDeliveryServiceKeys,
  generateIdentityKeys,
  signalingTransport,
} from '../../packages/e2ee/src/index';
import type { ClientMessage, ClientMessageOf } from '@conclave/protocol';
import { GroupDelivery } from '../../packages/server/src/e2ee/delivery';
import { silentLogger } from '../../packages/server/src/media/logger';
// The server's own timeouts.
import { COMMIT_TIMEOUT_MS, READY_TIMEOUT_MS } from '../../packages/server/src/rooms/encryption';

type E2eeMessage = ClientMessageOf<
  'e2eeGroupCreated' | 'e2eeAdmit' | 'e2eeKeyPackage' | 'e2eeCommit' | 'e2eeReady'
>;

interface SimMember {
  id: string;
  member: E2eeMember;
  /** The epoch its senders use (EpochKeySink.activate), and when they switched to it. */
  active: bigint | null;
  activatedAt: number;
}

/** One leave: from the call to `leave` until every remaining member's senders use the new epoch. */
export interface SimRotation {
  /** Until the last remaining member switched senders: the figure. */
  allSendingMs: number;
  /** Until the committer's commit reached the delivery service. */
  commitMs: number;
  /** Until the last member said it holds the new epoch (processed the commit). */
  allReadyMs: number;
  /**
   * (allReadyMs − commitMs) / remaining members: what processing the commit cost each member, as
   * they took turns on this thread; on their own devices they would do it side by side.
   */
  perMemberMs: number;
  /** Until the delivery service told everyone to switch (all ready, or its timeout). */
  executeMs: number;
  /**
   * An estimate of allSendingMs had each member its own device: the committer's commit, one member's
   * share of processing it, the delivery service's wait for the last ready, and one member's share of
   * switching; the members' shares are what this one thread spent on all of them, divided by their number.
   */
  onOwnDevicesMs: number;
  epoch: number;
}

export class SimulatedGroup {
  private readonly members = new Map<string, SimMember>();
  private readonly errors: unknown[] = [];
  private joined = 0;
  /** When the last commit and execute went out (performance.now()). */
  private commitAt = 0;
  private executeAt = 0;
  private readyAt = 0;
  /** Checked on every switch of senders, so that waiting for one costs no polling. */
  private onActivate: () => void = () => undefined;

  private constructor(private readonly delivery: GroupDelivery) {}

  static async create(): Promise<SimulatedGroup> {
    const delivery = new GroupDelivery({
      meetingId: 'bench',
      keys: await generateDeliveryServiceKeys(),
      anchorKey: null,
      onAnchor: () => undefined,
      rotateEveryMs: 0,
      commitTimeoutMs: COMMIT_TIMEOUT_MS,
      readyTimeoutMs: READY_TIMEOUT_MS,
      logger: silentLogger,
    });
    return new SimulatedGroup(delivery);
  }

  get size(): number {
    return this.members.size;
  }

  /** Adds `count` members (the first one the owner, whose device admits the others). */
  async join(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const owner = this.joined === 0;
      const id = owner ? 'owner' : `m${this.joined}`;
      this.joined++;
      const identity = await deviceIdentity(await generateIdentityKeys());
      if (owner) this.delivery.registerOwner(identity.publicKey);
      const info = this.delivery.joinInfo();
      const sim: SimMember = { id, member: undefined as never, active: null, activatedAt: 0 };
      sim.member = new E2eeMember({
        meetingId: 'bench',
        participantId: id,
        identity,
        deliveryServiceKey: fromBase64Url(info.deliveryServiceKey),
        anchorKey: info.anchorKey === null ? null : fromBase64Url(info.anchorKey),
        transport: signalingTransport((message: ClientMessage) => {
          if (message.type === 'e2eeCommit') this.commitAt = performance.now();
          if (message.type === 'e2eeReady') this.readyAt = performance.now();
          this.delivery.handle(id, message as E2eeMessage).catch((err: unknown) => this.errors.push(err));
        }),
        keys: {
          install: () => undefined,
          activate: (epoch) => {
            sim.active = epoch;
            sim.activatedAt = performance.now();
            this.onActivate();
          },
          clear: () => (sim.active = null),
        },
        onChange: () => undefined,
      });
      this.members.set(id, sim);
      await this.delivery.join({
        id,
        identityKey: identity.publicKey,
        displayName: id,
        send: (message) => {
          if (message.type === 'e2eeExecute') this.executeAt = performance.now();
          deliver(sim.member, message).catch((err: unknown) => this.errors.push(err));
        },
      });
    }
    await this.waitForOneEpoch(60_000 + count * 2_000);
  }

  /** A member other than the owner (whose device admits newcomers) leaves; times the rotation. */
  async leave(): Promise<SimRotation> {
    const others = [...this.members.keys()].filter((id) => id !== 'owner');
    const id = others[Math.floor(Math.random() * others.length)]!;
    const before = this.members.get('owner')!.active!;
    this.members.delete(id);
    const remaining = [...this.members.values()];
    const switched = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the remaining members did not switch within 10 s')),
        10_000,
      );
      this.onActivate = () => {
        if (remaining.some((m) => m.active !== before + 1n)) return;
        clearTimeout(timer);
        resolve();
      };
    });
    const t0 = performance.now();
    await this.delivery.leave(id);
    await switched;
    this.onActivate = () => undefined;
    if (this.errors.length) throw new Error(`E2EE failed: ${String(this.errors[0])}`);
    const epoch = before + 1n;
    const allSendingMs = Math.max(...remaining.map((m) => m.activatedAt)) - t0;
    const commitMs = this.commitAt - t0;
    const allReadyMs = this.readyAt - t0;
    const executeMs = this.executeAt - t0;
    const perMemberMs = (allReadyMs - commitMs) / remaining.length;
    return {
      allSendingMs,
      commitMs,
      allReadyMs,
      perMemberMs,
      executeMs,
      onOwnDevicesMs:
        commitMs + perMemberMs + (executeMs - allReadyMs) + (allSendingMs - executeMs) / remaining.length,
      epoch: Number(epoch),
    };
  }

  close(): void {
    this.delivery.close();
  }

  /** Waits until every member is in the group and sends with its current epoch. */
  private async waitForOneEpoch(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.errors.length) throw new Error(`E2EE failed: ${String(this.errors[0])}`);
      const views = [...this.members.values()].map((m) => ({ m, s: m.member.snapshot() }));
      const epochs = new Set(
        views.map(({ m, s }) => (s.status === 'member' && s.epoch === m.active ? s.epoch : -1n)),
      );
      const settled =
        epochs.size === 1 && !epochs.has(-1n) && views.every(({ s }) => s.members.length === views.length);
      if (settled) return;
      if (Date.now() > deadline)
        throw new Error(`the ${views.length} simulated members did not agree in time`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
