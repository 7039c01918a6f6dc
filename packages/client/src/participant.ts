import type { ParticipantInfo, ParticipantKind, TrackSource } from '@conclave/protocol';
import type { ConnectionQuality } from './connection-quality';
import type { TrackPublication } from './publication';

export type { ParticipantKind } from '@conclave/protocol';

export type ParticipantIdentity = Pick<
  ParticipantInfo,
  'id' | 'displayName' | 'kind' | 'joinedAt' | 'moderator' | 'handRaisedAt'
>;

/** Someone in the meeting: this client (LocalParticipant) or another one (RemoteParticipant). */
export abstract class Participant {
  protected _id: string;
  protected _displayName: string;
  protected _kind: ParticipantKind;
  protected _joinedAt: string;
  protected _moderator: boolean;
  private _quality: ConnectionQuality = 'unknown';
  protected _handRaisedAt: string | null;
  private _speaking = false;

  constructor(info: ParticipantIdentity) {
    this._id = info.id;
    this._displayName = info.displayName;
    this._kind = info.kind;
    this._joinedAt = info.joinedAt;
    this._moderator = info.moderator;
    this._handRaisedAt = info.handRaisedAt ?? null;
  }

  get id(): string {
    return this._id;
  }
  get displayName(): string {
    return this._displayName;
  }
  /** A signed-in user or a guest who joined by link. */
  get kind(): ParticipantKind {
    return this._kind;
  }
  get joinedAt(): string {
    return this._joinedAt;
  }
  /** Admits, mutes and removes others (the owner, Superusers, Administrators, and whom they promote). */
  get isModerator(): boolean {
    return this._moderator;
  }

  /** How well this participant's media gets through (MEET-QUALITY); see `connectionQualityChanged`. */
  get connectionQuality(): ConnectionQuality {
    return this._quality;
  }

  /** @internal True when it changed. */
  setConnectionQuality(quality: ConnectionQuality): boolean {
    if (quality === this._quality) return false;
    this._quality = quality;
    return true;
  }

  /** When they raised their hand (ISO time), or null while it is down; hands are answered in this order. */
  get handRaisedAt(): string | null {
    return this._handRaisedAt;
  }

  get isHandRaised(): boolean {
    return this._handRaisedAt !== null;
  }

  /** The media server hears them speak now (`room.activeSpeakers`); never while their microphone is muted. */
  get isSpeaking(): boolean {
    return this._speaking;
  }

  /** @internal Set by the room from the server's active-speaker list. */
  setSpeaking(speaking: boolean): void {
    this._speaking = speaking;
  }

  abstract get isLocal(): boolean;
  abstract getPublication(source: TrackSource): TrackPublication | undefined;

  /** Publications by source; a source that is not published has none. */
  get trackPublications(): TrackPublication[] {
    return (['microphone', 'camera', 'screen'] as const)
      .map((s) => this.getPublication(s))
      .filter((p): p is TrackPublication => p !== undefined);
  }

  get isMicrophoneEnabled(): boolean {
    const p = this.getPublication('microphone');
    return p !== undefined && !p.muted;
  }

  get isCameraEnabled(): boolean {
    const p = this.getPublication('camera');
    return p !== undefined && !p.muted;
  }

  /** Shares a screen, window or tab now (MEET-SHARE). */
  get isScreenShareEnabled(): boolean {
    const p = this.getPublication('screen');
    return p !== undefined && !p.muted;
  }
}
