import type { ParticipantInfo, TrackSource } from '@conclave/protocol';
import { Participant } from './participant';
import { RemoteTrackPublication } from './publication';

/** What changed when a roster entry was applied to a remote participant. */
export interface RemoteUpdate {
  muted: RemoteTrackPublication[];
  unmuted: RemoteTrackPublication[];
  /** Publications that are gone; they may still hold a track that must be unsubscribed. */
  unpublished: RemoteTrackPublication[];
  changed: boolean;
}

export class RemoteParticipant extends Participant {
  private readonly publications = new Map<TrackSource, RemoteTrackPublication>();

  constructor(info: ParticipantInfo) {
    super(info);
    this.update(info);
  }

  get isLocal(): false {
    return false;
  }

  getPublication(source: TrackSource): RemoteTrackPublication | undefined {
    return this.publications.get(source);
  }

  override get trackPublications(): RemoteTrackPublication[] {
    return super.trackPublications as RemoteTrackPublication[];
  }

  /** @internal Ensures a publication exists for a stream the server forwards (the roster may lag). */
  ensurePublication(source: TrackSource): RemoteTrackPublication {
    let publication = this.publications.get(source);
    if (!publication) {
      publication = new RemoteTrackPublication(source, false);
      this.publications.set(source, publication);
    }
    return publication;
  }

  /** @internal Applies a roster entry and reports what changed. */
  update(info: ParticipantInfo): RemoteUpdate {
    const result: RemoteUpdate = { muted: [], unmuted: [], unpublished: [], changed: false };
    const handRaisedAt = info.handRaisedAt ?? null;
    if (
      info.displayName !== this._displayName ||
      info.moderator !== this._moderator ||
      handRaisedAt !== this._handRaisedAt
    ) {
      this._displayName = info.displayName;
      this._moderator = info.moderator;
      this._handRaisedAt = handRaisedAt;
      result.changed = true;
    }
    const listed = new Set<TrackSource>();
    for (const t of info.tracks) {
      listed.add(t.source);
      const existing = this.publications.get(t.source);
      if (!existing) {
        this.publications.set(t.source, new RemoteTrackPublication(t.source, t.muted));
        result.changed = true;
      } else if (existing.setMuted(t.muted)) {
        (t.muted ? result.muted : result.unmuted).push(existing);
        result.changed = true;
      }
    }
    for (const [source, publication] of this.publications) {
      if (listed.has(source)) continue;
      this.publications.delete(source);
      result.unpublished.push(publication);
      result.changed = true;
    }
    return result;
  }
}
