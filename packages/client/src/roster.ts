import type { LeaveReason, ParticipantInfo, ServerMessageOf } from '@conclave/protocol';
import type { TypedEmitter } from './events';
import type { LocalParticipant } from './local-participant';
import { RemoteParticipant } from './remote-participant';
import type { RemoteTrackPublication } from './publication';
import type { RoomEvents } from './room-events';
import { diffStreams } from './streams';
import type { ReceivedStream } from './subscriber';

/** Server messages that change who is in the meeting or what they publish. */
export type RosterMessage = ServerMessageOf<'participantJoined' | 'participantUpdated' | 'participantLeft'>;

/**
 * The room's view of who is there: the remote participants from the roster and its updates, and
 * which received stream is whose publication. It emits the room's participant and track events.
 */
export class Roster {
  private readonly remotes = new Map<string, RemoteParticipant>();
  /** The latest received stream list; streams whose participant is not known yet wait here. */
  private received: ReceivedStream[] = [];

  constructor(
    private readonly local: LocalParticipant,
    private readonly events: Pick<TypedEmitter<RoomEvents>, 'emit'>,
    /** The videos the app wants changed: one was (un)wanted, or went away with its publisher. */
    private readonly wishChanged: () => void = () => undefined,
  ) {}

  get remoteParticipants(): ReadonlyMap<string, RemoteParticipant> {
    return this.remotes;
  }

  /**
   * Takes the roster from `joined`. After a rejoin, participants already known keep their objects
   * and only real newcomers are announced; on a first join nobody is (they were there already).
   */
  reset(joined: ServerMessageOf<'joined'>, rejoined: boolean): void {
    const self = joined.participants.find((p) => p.id === joined.participantId);
    this.local.setIdentity(
      self ?? {
        id: joined.participantId,
        displayName: '',
        kind: 'guest',
        joinedAt: new Date().toISOString(),
        moderator: false,
      },
    );
    const present = new Set<string>();
    for (const info of joined.participants) {
      if (info.id === joined.participantId) continue;
      present.add(info.id);
      this.upsert(info, rejoined);
    }
    for (const id of [...this.remotes.keys()]) if (!present.has(id)) this.remove(id, 'left');
  }

  apply(message: RosterMessage): void {
    if (message.type === 'participantLeft') this.remove(message.participantId, message.reason);
    else this.upsert(message.participant, true);
  }

  /** Applies the complete list of streams now received: unsubscribes what went away, subscribes what is new. */
  setStreams(next: ReceivedStream[]): void {
    const { added, removed } = diffStreams(this.received, next, (a, b) => a.track === b.track);
    this.received = next;
    for (const stream of removed) {
      const participant = this.remotes.get(stream.participantId);
      const publication = participant?.getPublication(stream.source);
      if (participant && publication && publication.track === stream.track)
        this.unsubscribe(participant, publication);
    }
    for (const stream of added) {
      const participant = this.remotes.get(stream.participantId);
      if (participant) this.subscribe(participant, stream);
    }
  }

  /** Everyone leaves: the room disconnected. */
  clear(): void {
    for (const id of [...this.remotes.keys()]) this.remove(id, 'disconnected');
    this.received = [];
  }

  private upsert(info: ParticipantInfo, announce: boolean): void {
    if (info.id === this.local.id) {
      this.local.setIdentity(info);
      this.events.emit('participantUpdated', this.local);
      return;
    }
    const existing = this.remotes.get(info.id);
    if (!existing) {
      const participant = new RemoteParticipant(info);
      this.remotes.set(info.id, participant);
      this.hook(participant);
      if (announce) this.events.emit('participantJoined', participant);
      // Streams that arrived before their participant's roster entry are shown now.
      for (const stream of this.received) {
        if (stream.participantId === participant.id) this.subscribe(participant, stream);
      }
      return;
    }
    const change = existing.update(info);
    this.hook(existing);
    for (const publication of change.unpublished) this.unsubscribe(existing, publication);
    if (change.unpublished.some((p) => p.isDesired)) this.wishChanged();
    for (const publication of change.muted) this.events.emit('trackMuted', publication, existing);
    for (const publication of change.unmuted) this.events.emit('trackUnmuted', publication, existing);
    if (change.changed) this.events.emit('participantUpdated', existing);
  }

  private remove(id: string, reason: LeaveReason): void {
    const participant = this.remotes.get(id);
    if (!participant) return;
    for (const publication of participant.trackPublications) this.unsubscribe(participant, publication);
    this.remotes.delete(id);
    if (participant.trackPublications.some((p) => p.isDesired)) this.wishChanged();
    this.events.emit('participantLeft', participant, reason);
  }

  /** The room hears when the app starts or stops wanting any of the participant's videos. */
  private hook(participant: RemoteParticipant): void {
    for (const publication of participant.trackPublications)
      publication.onSubscriptionWish ??= this.wishChanged;
  }

  private subscribe(participant: RemoteParticipant, stream: ReceivedStream): void {
    const publication = participant.ensurePublication(stream.source);
    publication.onSubscriptionWish ??= this.wishChanged;
    if (publication.track === stream.track && publication.mid === stream.mid) return;
    if (publication.track) this.unsubscribe(participant, publication);
    publication.setTrack(stream.track);
    publication.mid = stream.mid;
    this.events.emit('trackSubscribed', stream.track, publication, participant);
  }

  private unsubscribe(participant: RemoteParticipant, publication: RemoteTrackPublication): void {
    const track = publication.track;
    if (!track) return;
    publication.setTrack(null);
    publication.mid = null;
    this.events.emit('trackUnsubscribed', track, publication, participant);
  }
}
