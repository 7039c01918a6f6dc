import type { ServerMessage, ServerMessageType } from '@conclave/protocol';
import type { ParticipantSink } from './participant';

/**
 * Told by the resume's `joined` as they are then: holding them would only repeat or contradict it. The
 * subscription offer waiting for an answer, if any, is sent again after the resume (the subscriber
 * makes no other until it is answered).
 */
const SUPERSEDED: ReadonlySet<ServerMessageType> = new Set([
  'participantJoined',
  'participantUpdated',
  'participantLeft',
  'lobby',
  'subscriptionOffer',
]);

/** More than this waiting for one connection, and it is let go rather than held for without limit. */
const MAX_HELD = 256;

/**
 * Where a participant's messages wait while nobody's connection carries them: its socket dropped
 * (MEET-RECONNECT), or its room was taken over from a node that died (NET-SCALE), and its client (or
 * the node holding its socket) has not resumed yet.
 */
export class HeldSink implements ParticipantSink {
  private readonly held: ServerMessage[] = [];

  constructor(private readonly overflowed: () => void) {}

  entered(): void {}

  send(message: ServerMessage): void {
    if (SUPERSEDED.has(message.type)) return;
    if (this.held.length >= MAX_HELD) {
      this.overflowed();
      return;
    }
    this.held.push(message);
  }

  /** The room lets the participant go: nobody is there to tell. */
  end(): void {}

  /** Nobody is there to send on: the next node takes the participant up waiting again. */
  handOff(): void {}

  /** What waited, in order, for the connection that takes the participant up. */
  release(): ServerMessage[] {
    return this.held.splice(0);
  }
}
