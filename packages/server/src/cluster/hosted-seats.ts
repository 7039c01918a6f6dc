import type { FastifyBaseLogger } from 'fastify';
import type { MeetingDoor, Seat, SeatSink } from '../rooms';
import { toErrorFrame } from '../signaling/errors';
import type { NodeBus } from './bus';
import type { CallResult, ToOwner } from './messages';

interface Hosted {
  landing: string;
  seat: Seat | null;
  /** The landing node let the seat go while it was still entering. */
  gone: boolean;
}

/**
 * The owner's side of forwarding (NET-SCALE): seats in this node's rooms for sockets on other nodes.
 * The room treats them like any other: their sink sends over the bus to the landing node.
 */
export class HostedSeats {
  private readonly seats = new Map<string, Hosted>();

  constructor(
    private readonly bus: NodeBus,
    private readonly door: MeetingDoor,
    /** Whether this node owns the meeting now: only then does it seat anyone in it. */
    private readonly owns: (meetingId: string) => boolean,
    private readonly logger: FastifyBaseLogger,
  ) {}

  receive(from: string, message: ToOwner): void {
    if (message.kind === 'enter') {
      void this.enter(from, message);
      return;
    }
    const hosted = this.seats.get(message.seat);
    if (!hosted || hosted.landing !== from) {
      if (message.kind === 'request') {
        this.reply(from, message.seat, message.call, {
          ok: false,
          error: { code: 'not_joined', message: 'You are no longer in this meeting' },
        });
      }
      return;
    }
    if (message.kind === 'disconnect') {
      this.seats.delete(message.seat);
      hosted.gone = true;
      hosted.seat?.disconnect(message.resumable);
      return;
    }
    const seat = hosted.seat;
    if (!seat) {
      // Requests follow the join's answer, which follows the seat: this would be a landing node's bug.
      this.reply(from, message.seat, message.call, {
        ok: false,
        error: { code: 'not_joined', message: 'Join a meeting first' },
      });
      return;
    }
    seat.request(message.message).then(
      (value) =>
        this.reply(from, message.seat, message.call, { ok: true, ...(value !== undefined && { value }) }),
      (err: unknown) => this.reply(from, message.seat, message.call, this.refusal(err, message.message.type)),
    );
  }

  /** The nodes holding sockets of seats here. */
  landingNodes(): Set<string> {
    return new Set([...this.seats.values()].map((h) => h.landing));
  }

  /** `node` died: its sockets are gone; their participants keep their seats while their clients resume elsewhere. */
  landingGone(node: string): void {
    for (const [id, hosted] of [...this.seats]) {
      if (hosted.landing !== node) continue;
      this.seats.delete(id);
      hosted.gone = true;
      hosted.seat?.disconnect(true);
    }
  }

  get size(): number {
    return this.seats.size;
  }

  private async enter(from: string, message: Extract<ToOwner, { kind: 'enter' }>): Promise<void> {
    const {
      seat: id,
      meeting,
      principal,
      reply,
      identityKey,
      regionRtts,
      resume,
      videoSubscription,
    } = message;
    if (!this.owns(meeting.id)) {
      this.reply(from, id, 0, { ok: false, notOwner: true });
      return;
    }
    const hosted: Hosted = { landing: from, seat: null, gone: false };
    this.seats.set(id, hosted);
    const sink: SeatSink = {
      send: (m) => this.bus.send(from, { kind: 'send', seat: id, message: m }),
      end: (reason, text) => {
        this.seats.delete(id);
        this.bus.send(from, { kind: 'end', seat: id, reason, message: text });
      },
      handOff: () => {
        this.seats.delete(id);
        this.bus.send(from, { kind: 'moved', seat: id });
      },
    };
    try {
      const key =
        identityKey === undefined ? undefined : new Uint8Array(Buffer.from(identityKey, 'base64url'));
      const seat = await this.door.enter(meeting, principal, sink, reply, {
        ...(key && { identityKey: key }),
        ...(regionRtts && { regionRtts }),
        ...(resume && { resume }),
        ...(videoSubscription && { videoSubscription }),
      });
      if (hosted.gone) seat.disconnect(false);
      else hosted.seat = seat;
      this.reply(from, id, 0, { ok: true });
    } catch (err) {
      this.seats.delete(id);
      this.reply(from, id, 0, this.refusal(err, 'join'));
    }
  }

  private refusal(err: unknown, type: string): CallResult {
    const { body, log } = toErrorFrame(err);
    if (log) this.logger[log]({ err, type }, 'forwarded signaling request failed');
    return { ok: false, error: body };
  }

  private reply(to: string, seat: string, call: number, result: CallResult): void {
    this.bus.send(to, { kind: 'reply', seat, call, result });
  }
}
