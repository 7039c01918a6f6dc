import {
  codewordOf,
  deliver,
  E2eeMember,
  fromBase64Url,
  securityCodeOf,
  signalingTransport,
  type Codeword,
  type DeviceIdentity,
  type MemberSnapshot,
  type MemberStatus,
  type SecurityCode,
} from '@conclave/e2ee';
import type { ClientMessage, E2eeJoinInfo, E2eeServerMessage } from '@conclave/protocol';
import type { E2eeMedia } from './media';

/** What the room shows about end-to-end encryption. */
export interface E2eeState {
  /** `member`: this client holds the group's keys; others: not (yet, or any more). */
  status: MemberStatus;
  epoch: number | null;
  /**
   * The epoch this client's frames go out under: `epoch` once the group has switched senders to it
   * and the first frame under it was encrypted (a rotation is complete when everyone's has moved).
   */
  sendingEpoch: number | null;
  /** Compare aloud: equal for everyone who shares the group (E2EE-SECURITY-CODE). */
  securityCode: SecurityCode | null;
  /** This device's Codeword, as drawn into its camera video. */
  ownCodeword: Codeword;
  /** The Codeword of each participant in the group, by participant id, from the group's own credentials. */
  codewords: ReadonlyMap<string, Codeword>;
  /** The meeting owner's Codeword: whose admissions everyone trusts. */
  anchorCodeword: Codeword | null;
}

/** What a session needs to join an E2EE meeting. */
export interface E2eeSetup {
  identity: DeviceIdentity;
  /** Derived while the join goes out: it takes an Argon2id evaluation (~50 ms). */
  ownCodeword: Promise<Codeword>;
  /** The frame transforms' worker and its key ring. */
  media: E2eeMedia;
}

export interface E2eeControllerOptions {
  meetingId: string;
  participantId: string;
  setup: E2eeSetup;
  ownCodeword: Codeword;
  joinInfo: E2eeJoinInfo;
  send: (message: ClientMessage) => void;
  onState: (state: E2eeState) => void;
  onError: (error: unknown) => void;
}

/**
 * Joins one session's E2EE group: feeds the delivery service's messages to the group member, sends
 * its replies, and turns the member's state into what the room shows (Codewords, security code).
 */
export class E2eeController {
  private readonly member: E2eeMember;
  private state: E2eeState;
  private closed = false;
  /** Snapshots are turned into state asynchronously (Codewords take a while); only the newest counts. */
  private latest = 0;
  private readonly offSending: () => void;

  constructor(private readonly o: E2eeControllerOptions) {
    const anchorKey = o.joinInfo.anchorKey === null ? null : fromBase64Url(o.joinInfo.anchorKey);
    this.state = {
      status: 'waiting',
      epoch: null,
      sendingEpoch: null,
      securityCode: null,
      ownCodeword: o.ownCodeword,
      codewords: new Map(),
      anchorCodeword: null,
    };
    this.member = new E2eeMember({
      meetingId: o.meetingId,
      participantId: o.participantId,
      identity: o.setup.identity,
      deliveryServiceKey: fromBase64Url(o.joinInfo.deliveryServiceKey),
      anchorKey,
      transport: signalingTransport((message) => {
        if (!this.closed) o.send(message);
      }),
      keys: o.setup.media,
      onChange: (snapshot) => void this.update(snapshot),
    });
    this.offSending = o.setup.media.on('sending', (epoch) =>
      this.publish({ ...this.state, sendingEpoch: Number(epoch) }),
    );
    if (anchorKey) void this.withAnchor(anchorKey);
  }

  get current(): E2eeState {
    return this.state;
  }

  handle(message: E2eeServerMessage): void {
    if (this.closed) return;
    if (message.type === 'e2eeAdmitted') void this.withAnchor(fromBase64Url(message.anchorKey));
    deliver(this.member, message).catch((err: unknown) => {
      if (!this.closed) this.o.onError(err);
    });
  }

  close(): void {
    this.closed = true;
    this.offSending();
    this.o.setup.media.clear();
  }

  private async withAnchor(key: Uint8Array<ArrayBuffer>): Promise<void> {
    const anchorCodeword = await codewordOf(key).catch(() => null);
    this.publish({ ...this.state, anchorCodeword });
  }

  private async update(snapshot: MemberSnapshot): Promise<void> {
    const seq = ++this.latest;
    const codewords = new Map<string, Codeword>();
    // Derived one at a time by codewordOf (each takes ~50 ms and 19 MiB), and memoised.
    for (const m of snapshot.members) {
      const codeword = await codewordOf(new Uint8Array(m.identityKey)).catch(() => null);
      if (codeword) codewords.set(m.participantId, codeword);
    }
    if (seq !== this.latest) return;
    this.publish({
      ...this.state,
      status: snapshot.status,
      epoch: snapshot.epoch === null ? null : Number(snapshot.epoch),
      securityCode: snapshot.epochAuthenticator ? securityCodeOf(snapshot.epochAuthenticator) : null,
      codewords,
    });
  }

  private publish(state: E2eeState): void {
    if (this.closed) return;
    this.state = state;
    this.o.onState(state);
  }
}
