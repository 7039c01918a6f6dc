import { fromBase64Url, generateDeliveryServiceKeys, toBase64Url } from '@conclave/e2ee';
import type { ClientMessageOf, E2eeJoinInfo, ServerMessage } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MeetingRecord } from '../domain';
import { GroupDelivery, type DeliveryState, type E2eeRoomContext } from '../e2ee';
import type { MediaLogger } from '../media/logger';
import type { Participant } from './participant';

/** A committer that has not committed by then is passed over (it may have lost its connection). */
export const COMMIT_TIMEOUT_MS = 5_000;
/** Senders switch epochs at the latest this long after a commit, even if a member never said it was ready. */
export const READY_TIMEOUT_MS = 2_000;

/** The E2EE signaling messages a participant sends; the room's delivery service handles them. */
export type E2eeClientMessage = ClientMessageOf<
  'e2eeGroupCreated' | 'e2eeAdmit' | 'e2eeKeyPackage' | 'e2eeCommit' | 'e2eeReady'
>;

/**
 * The end-to-end encryption of one meeting room: who may join (only with a device identity key) and
 * the group's delivery service, made on the first join (or taken over with the room) and closed with
 * the room.
 */
export class RoomEncryption {
  private delivery: Promise<GroupDelivery> | null = null;
  /** The delivery service once made: its state is written with the room's. */
  private current: GroupDelivery | null = null;

  constructor(
    private readonly meeting: MeetingRecord,
    private readonly ctx: E2eeRoomContext,
    private readonly logger: MediaLogger,
    /** Something the delivery service's state holds changed. */
    private readonly changed: () => void,
  ) {}

  /** Refuses, before a seat is taken, a join that could not take part in the encryption. */
  checkJoin(identityKey: Uint8Array | undefined): asserts identityKey is Uint8Array {
    if (!identityKey) {
      throw new AppError(
        403,
        'e2ee_required',
        'This meeting is end-to-end encrypted: join from a browser that supports it',
        'identityKey',
      );
    }
  }

  /** What `joined` tells about the group; the owner's first device becomes the anchor here. */
  async joinInfo(identityKey: Uint8Array, isOwner: boolean): Promise<E2eeJoinInfo> {
    const delivery = await this.deliveryService();
    if (isOwner) delivery.registerOwner(identityKey);
    return delivery.joinInfo();
  }

  /** Whether the participant joined from the device that anchors the group (it signs admissions). */
  async isAnchor(participantId: string): Promise<boolean> {
    return this.delivery !== null && (await this.delivery).isAnchor(participantId);
  }

  /**
   * After `joined` went out: the participant enters the group's admission queue, or, with an
   * admission the anchor signed when letting it in from the lobby, goes straight to key packages.
   */
  joined(participant: Participant, identityKey: Uint8Array, admission?: string): void {
    void this.delivery?.then((d) =>
      d.join({
        id: participant.id,
        identityKey,
        displayName: participant.displayName,
        ...(admission !== undefined && { admission }),
        send: sender(participant),
      }),
    );
  }

  /** The delivery service's state, for the node that takes the room over; null before it exists. */
  state(): DeliveryState | null {
    return this.current?.state() ?? null;
  }

  /**
   * Serves the group the room's previous node served, from the state it wrote, to the participants
   * taken over with it (each reached through whatever connection it has when a message goes).
   */
  restore(state: DeliveryState, participants: ReadonlyMap<string, Participant>): void {
    const delivery = GroupDelivery.resume(this.options(), state, (id) => {
      const p = participants.get(id);
      return p ? sender(p) : null;
    });
    this.current = delivery;
    this.delivery = Promise.resolve(delivery);
  }

  async handle(participantId: string, message: E2eeClientMessage): Promise<void> {
    if (!this.delivery) throw new AppError(409, 'invalid_state', 'There is no encrypted group to talk to');
    await (await this.delivery).handle(participantId, message);
  }

  left(participantId: string): void {
    void this.delivery?.then((d) => d.leave(participantId));
  }

  close(): void {
    void this.delivery?.then((d) => d.close()).catch(() => undefined);
  }

  /**
   * Its signature key is the room's own: written with the room's state for the next node, it names
   * nobody else's group.
   */
  private deliveryService(): Promise<GroupDelivery> {
    this.delivery ??= generateDeliveryServiceKeys().then((keys) => {
      this.current = new GroupDelivery({
        ...this.options(),
        keys,
        anchorKey: this.meeting.e2eeAnchorKey === null ? null : fromBase64Url(this.meeting.e2eeAnchorKey),
      });
      return this.current;
    });
    return this.delivery;
  }

  private options() {
    return {
      meetingId: this.meeting.id,
      onAnchor: (key: Uint8Array) => this.recordAnchor(key),
      rotateEveryMs: this.ctx.rotateEveryMs,
      commitTimeoutMs: COMMIT_TIMEOUT_MS,
      readyTimeoutMs: READY_TIMEOUT_MS,
      logger: this.logger,
      onChange: this.changed,
    };
  }

  private recordAnchor(key: Uint8Array): void {
    this.ctx.anchors.setE2eeAnchorKey(this.meeting.id, toBase64Url(key)).catch((err: unknown) => {
      this.logger.warn({ meetingId: this.meeting.id, err }, 'cannot record the E2EE anchor key');
    });
  }
}

/** Sends to the participant through whatever connection it has then, until it leaves. */
function sender(p: Participant) {
  return (message: ServerMessage): void => {
    if (!p.left) p.sink.send(message);
  };
}
