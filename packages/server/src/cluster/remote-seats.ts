import type { MeetingRecord, Principal } from '../domain';
import { AppError } from '../common/errors';
import { newId } from '../common/ids';
import {
  OWNER_LOST,
  type JoinExtras,
  type JoinReply,
  type RoomRequest,
  type Seat,
  type SeatSink,
} from '../rooms';
import type { NodeBus } from './bus';
import type { CallResult, ToLanding, ToOwner } from './messages';

/** The node asked does not own the meeting (any more): ask again who does. */
export class NotOwnerError extends Error {
  override name = 'NotOwnerError';
}

/**
 * The landing side of forwarding (NET-SCALE): seats of sockets on this node in meetings another node
 * owns. Each request goes to the owner and its reply comes back here; whatever the owner sends the
 * participant is passed on to the socket as it is.
 */
export class RemoteSeats {
  private readonly seats = new Map<string, RemoteSeat>();

  constructor(
    private readonly bus: NodeBus,
    /** A call the owner has not answered in this long fails (the owner is alive but stuck). */
    private readonly callTimeoutMs: number,
  ) {}

  /** Asks `owner` to seat a connection; throws the owner's refusal, or NotOwnerError. */
  async enter(
    owner: string,
    meeting: MeetingRecord,
    principal: Principal,
    sink: SeatSink,
    reply: JoinReply,
    { identityKey, regionRtts, resume, videoSubscription }: JoinExtras,
  ): Promise<Seat> {
    const id = newId(Date.now());
    const seat = new RemoteSeat(id, owner, meeting.id, sink, this.bus, this.callTimeoutMs, () =>
      this.seats.delete(id),
    );
    this.seats.set(id, seat);
    await seat.call(0, {
      kind: 'enter',
      seat: id,
      meeting,
      principal,
      reply,
      ...(identityKey && { identityKey: Buffer.from(identityKey).toString('base64url') }),
      ...(regionRtts && { regionRtts }),
      ...(resume && { resume }),
      ...(videoSubscription && { videoSubscription }),
    });
    return seat;
  }

  receive(from: string, message: ToLanding): void {
    const seat = this.seats.get(message.seat);
    // Only the seat's owner speaks for it.
    if (seat?.owner === from) seat.receive(message);
  }

  /** The nodes owning meetings that sockets here are in. */
  owners(): Set<string> {
    return new Set([...this.seats.values()].map((s) => s.owner));
  }

  /**
   * `node` died: its meetings' participants here (of one meeting, if named) take their seats again
   * wherever the meeting is now, or are let go and join again.
   */
  ownerGone(node: string, meetingId?: string): void {
    for (const seat of [...this.seats.values()]) {
      if (seat.owner === node && (meetingId === undefined || seat.meetingId === meetingId)) seat.lost();
    }
  }

  get size(): number {
    return this.seats.size;
  }
}

interface PendingCall {
  resolve: (value: string | undefined) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

class RemoteSeat implements Seat {
  private calls = 0;
  private readonly pending = new Map<number, PendingCall>();
  private closed = false;
  private ownerLost = false;

  constructor(
    readonly id: string,
    readonly owner: string,
    readonly meetingId: string,
    private readonly sink: SeatSink,
    private readonly bus: NodeBus,
    private readonly callTimeoutMs: number,
    private readonly forget: () => void,
  ) {}

  request(message: RoomRequest): Promise<string | undefined> {
    if (this.closed)
      return Promise.reject(new AppError(409, 'not_joined', 'You are no longer in this meeting'));
    const call = ++this.calls;
    return this.call(call, { kind: 'request', seat: this.id, call, message });
  }

  call(call: number, message: ToOwner): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(call);
        reject(new AppError(503, 'media_unavailable', 'The server hosting this meeting did not answer'));
      }, this.callTimeoutMs);
      this.pending.set(call, { resolve, reject, timer });
      this.bus.send(this.owner, message);
    }).then(
      (value) => value as string | undefined,
      (err: unknown) => {
        if (call !== 0) throw err;
        const ownerDied = this.ownerLost;
        this.close();
        // The owner died while seating us: whoever takes the meeting over can seat us at once.
        throw ownerDied ? new NotOwnerError('The owner went away during the join') : err;
      },
    );
  }

  disconnect(resumable: boolean): void {
    if (this.closed) return;
    this.bus.send(this.owner, { kind: 'disconnect', seat: this.id, resumable });
    this.close();
  }

  receive(message: ToLanding): void {
    if (message.kind === 'reply') {
      const pending = this.pending.get(message.call);
      if (!pending) return;
      this.pending.delete(message.call);
      clearTimeout(pending.timer);
      settle(pending, message.result);
    } else if (message.kind === 'send') {
      if (!this.closed) this.sink.send(message.message);
    } else if (message.kind === 'moved') {
      this.lost();
    } else {
      // The room let the participant go: nothing of this seat is left at the owner.
      this.close();
      this.sink.end(message.reason, message.message);
    }
  }

  /**
   * The owner died: pending calls fail, and the connection takes a seat again with whoever holds the
   * meeting now (resuming its participation there), or, if it cannot, tells the client to join again.
   */
  lost(): void {
    if (this.closed) return;
    this.ownerLost = true;
    this.close();
    if (this.sink.reseat) this.sink.reseat();
    else this.sink.end('server_shutdown', OWNER_LOST);
  }

  private close(): void {
    this.closed = true;
    this.forget();
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new AppError(503, 'media_unavailable', OWNER_LOST));
    }
    this.pending.clear();
  }
}

function settle(pending: PendingCall, result: CallResult): void {
  if (result.ok) pending.resolve(result.value);
  else if ('notOwner' in result) pending.reject(new NotOwnerError('Not the owner'));
  else {
    const { code, message, field } = result.error;
    pending.reject(new AppError(code === 'internal' ? 500 : 400, code, message, field));
  }
}
