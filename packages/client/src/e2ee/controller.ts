import {
  deliver,
  E2eeMember,
  fromBase64Url,
  securityCodeOf,
  toBase64Url,
  signalingTransport,
  type Codeword,
  type DeviceIdentity,
  type MemberSnapshot,
  type MemberStatus,
  type SecurityCode,
} from '@conclave/e2ee';
import type { ClientMessage, E2eeJoinInfo, E2eeServerMessage } from '@conclave/protocol';
import { decodeChatPayload, encodeChatPayload } from './chat-payload';
import { codewordInBackground } from './codewords';
import type { E2eeMedia } from './media';

/** How long newcomers' Codewords wait at most for this client's senders to switch epochs. */
const SWITCH_WAIT_MS = 1_000;

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
  /** Codewords of a snapshot come asynchronously (they take a while); only the newest's are shown. */
  private latest = 0;
  private readonly offSending: () => void;
  /** Codewords derived so far, by identity key, so that each new snapshot shows them at once. */
  private readonly derived = new Map<string, Codeword>();
  /** Told of each switch of this client's senders (see switchedTo). */
  private readonly sendingWaiters = new Set<() => void>();

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
    this.offSending = o.setup.media.on('sending', (epoch) => {
      this.publish({ ...this.state, sendingEpoch: Number(epoch) });
      for (const check of [...this.sendingWaiters]) check();
    });
    if (anchorKey) void this.withAnchor(anchorKey);
  }

  get current(): E2eeState {
    return this.state;
  }

  /**
   * The admission of someone waiting in the lobby, signed now as this client's person lets them in;
   * null unless this device anchors the meeting (only its admissions count).
   */
  async admissionFor(participantId: string, identityKey: string): Promise<string | null> {
    const admission = await this.member.admit(participantId, fromBase64Url(identityKey));
    return admission && toBase64Url(admission);
  }

  /** A chat message sealed for the group (base64url); null while this client holds no keys. */
  async sealChat(body: string): Promise<string | null> {
    const sealed = await this.member.seal(encodeChatPayload(body));
    return sealed && toBase64Url(sealed);
  }

  /**
   * Another participant's chat message: its words and who wrote it, as the group says; null when this
   * client cannot open it (sent before it joined) or it is no chat message.
   */
  async openChat(message: string): Promise<{ participantId: string; body: string } | null> {
    const opened = await this.member.open(fromBase64Url(message));
    const body = opened && decodeChatPayload(opened.data);
    return opened && body !== null ? { participantId: opened.participantId, body } : null;
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
    for (const check of [...this.sendingWaiters]) check();
    this.o.setup.media.clear();
  }

  private async withAnchor(key: Uint8Array<ArrayBuffer>): Promise<void> {
    const anchorCodeword = await codewordInBackground(key).catch(() => null);
    this.publish({ ...this.state, anchorCodeword });
  }

  private async update(snapshot: MemberSnapshot): Promise<void> {
    const seq = ++this.latest;
    this.publish({
      ...this.state,
      status: snapshot.status,
      epoch: snapshot.epoch === null ? null : Number(snapshot.epoch),
      securityCode: snapshot.epochAuthenticator ? securityCodeOf(snapshot.epochAuthenticator) : null,
      codewords: this.codewordsOf(snapshot),
    });
    const missing = snapshot.members.filter((m) => !this.derived.has(toBase64Url(m.identityKey)));
    if (missing.length === 0) return;
    // Each is ~50 ms of Argon2id. Derived while the group changes epoch, they slowed the change (and a
    // joiner's first picture) by ~100 ms on a busy machine: newcomers' Codewords come just after it.
    await this.switchedTo(snapshot.epoch);
    for (const m of missing) {
      const codeword = await codewordInBackground(m.identityKey).catch(() => null);
      if (codeword) this.derived.set(toBase64Url(m.identityKey), codeword);
    }
    if (seq === this.latest) this.publish({ ...this.state, codewords: this.codewordsOf(snapshot) });
  }

  /** The Codewords known so far of the snapshot's members, by participant id. */
  private codewordsOf(snapshot: MemberSnapshot): Map<string, Codeword> {
    const codewords = new Map<string, Codeword>();
    for (const m of snapshot.members) {
      const codeword = this.derived.get(toBase64Url(m.identityKey));
      if (codeword) codewords.set(m.participantId, codeword);
    }
    return codewords;
  }

  /** Resolves once this client sends under `epoch` or a later one, or after SWITCH_WAIT_MS at most. */
  private switchedTo(epoch: bigint | null): Promise<void> {
    const done = () => epoch === null || this.closed || (this.state.sendingEpoch ?? -1) >= Number(epoch);
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.sendingWaiters.delete(check);
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, SWITCH_WAIT_MS);
      this.sendingWaiters.add(check);
    });
  }

  private publish(state: E2eeState): void {
    if (this.closed) return;
    this.state = state;
    this.o.onState(state);
  }
}
