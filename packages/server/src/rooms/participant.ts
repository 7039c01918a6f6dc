import type {
  DisconnectedReason,
  ParticipantInfo,
  ParticipantKind,
  ServerMessage,
  TrackSource,
  VideoSubscription,
  ViewEntry,
} from '@conclave/protocol';
import type { Principal } from '../domain';
import type { Publisher } from '../media/publisher';
import type { Subscriber } from '../media/subscriber';
import type { MeetingRoom } from './meeting-room';

/** How a room talks to one participant's connection; the socket layer implements it. */
export interface ParticipantSink {
  /** The connection is in the room as `participant`, now or after waiting in the lobby; `joined` follows. */
  entered(room: MeetingRoom, participant: Participant): void;
  send(message: ServerMessage): void;
  /** Tells the participant why it is being let go (a `disconnected` frame), then closes the connection. */
  end(reason: DisconnectedReason, message: string): void;
  /**
   * This node hands the meeting over as it shuts down: the connection is to resume the participation
   * wherever the meeting is taken up next (see MeetingRoom.handOff).
   */
  handOff(): void;
}

interface PublishedTrack {
  mid: string;
  muted: boolean;
}

/**
 * Whether others see and receive a published track. A screen share that is off (muted) is neither
 * listed nor forwarded: its media section stays with the publisher for the next share, so sharing
 * again needs no renegotiation, while receivers see it end (MEET-SHARE).
 */
export function shown(source: TrackSource, track: PublishedTrack): boolean {
  return source !== 'screen' || !track.muted;
}

/** One connection's presence in a meeting: roster entry, publisher and multistream subscriber. */
export class Participant {
  readonly tracks = new Map<TrackSource, PublishedTrack>();
  /** Mute wishes, kept for tracks that are not published yet. */
  readonly muted = new Map<TrackSource, boolean>();
  publisher: Publisher | null = null;
  subscriber: Subscriber | null = null;
  left = false;
  /** When the hand went up (ISO time); null while it is down. */
  handRaisedAt: string | null = null;
  /**
   * SHA-256 (hex) of the token that lets a new connection take this participation up (MEET-RECONNECT,
   * NET-SCALE); a new one after each resume. Null until admitted.
   */
  resumeHash: string | null = null;
  /** Which videos it receives (MEET-QUALITY): the server's pick, or what its client shows. */
  videoSubscription: VideoSubscription = 'auto';
  /** What its client shows, as its latest `setView` said (with `chosen`). */
  view: readonly ViewEntry[] = [];

  constructor(
    readonly id: string,
    readonly principal: Principal,
    /** Its connection; another one's after a resume. */
    public sink: ParticipantSink,
    readonly joinedAt: string,
    /** May admit, mute and remove others (MEET-MODERATORS). */
    public moderator: boolean,
    /**
     * Sources a moderator muted and has not allowed it to unmute (MEET-MOD-MUTE), with the
     * moderator's name; the person's, so that it outlasts a reconnection.
     */
    readonly muteLocks = new Map<TrackSource, string>(),
  ) {
    for (const source of muteLocks.keys()) this.muted.set(source, true);
  }

  get displayName(): string {
    return this.principal.displayName;
  }

  info(): ParticipantInfo {
    return {
      id: this.id,
      displayName: this.principal.displayName,
      kind: rosterKind(this.principal),
      moderator: this.moderator,
      tracks: [...this.tracks.entries()]
        .filter(([source, t]) => shown(source, t))
        .map(([source, t]) => ({ source, muted: t.muted })),
      joinedAt: this.joinedAt,
      ...(this.handRaisedAt !== null && { handRaisedAt: this.handRaisedAt }),
    };
  }

  sourceForMid(mid: string): TrackSource | null {
    for (const [source, track] of this.tracks) if (track.mid === mid) return source;
    return null;
  }
}

/**
 * How others see someone's kind: a room system as a room (ADM-ROOMS), a SIP gateway's caller as `sip`
 * or `phone` (INTEROP-SIP). A recorder (`egress`) is never
 * described to anyone, and never waits in a lobby; it would pass as a guest.
 */
export function rosterKind(principal: Principal): ParticipantKind {
  switch (principal.kind) {
    case 'user':
    case 'room':
      return principal.kind;
    case 'guest':
      return principal.via ?? 'guest';
    case 'egress':
      return 'guest';
  }
}
