import type { CaptureEndReason, LeaveReason, TrackSource, WaitingInfo } from '@conclave/protocol';
import type { CaptureState } from './capture';
import type { ConnectionQuality } from './connection-quality';
import type { MediaPath } from './media-path';
import type { E2eeState } from './e2ee/controller';
import type { ConclaveError } from './errors';
import type { Participant } from './participant';
import type { RemoteParticipant } from './remote-participant';
import type { LocalTrackPublication, RemoteTrackPublication, TrackPublication } from './publication';

/** `waiting`: in the meeting's lobby until a moderator admits (then `connected`) or rejects. */
export type ConnectionState = 'disconnected' | 'connecting' | 'waiting' | 'connected' | 'reconnecting';

/** Why a room ended up disconnected. */
export type DisconnectReason =
  /** `disconnect()` was called. */
  | 'left'
  /** A moderator removed this participant. */
  | 'removed'
  /** A moderator did not let this participant in from the lobby (or nobody did in time). */
  | 'rejected'
  /** The same person joined again from elsewhere and this connection was replaced. */
  | 'replaced'
  /** The meeting was deleted while this client was in it. */
  | 'meeting_ended'
  /** The user signed out (from this or another tab or device). */
  | 'session_ended'
  /** Joining failed: see the error passed along (e.g. `meeting_not_found`, `unauthorized`). */
  | 'join_failed'
  /**
   * The connection was lost and could not be restored. A server restart or a media failure is not
   * an ending of its own: the room rejoins, and ends this way only if that fails.
   */
  | 'connection_lost';

export interface RoomEvents {
  connectionStateChanged: [state: ConnectionState];
  /** A participant arrived after this client joined (those already there are in `remoteParticipants`). */
  participantJoined: [participant: RemoteParticipant];
  participantLeft: [participant: RemoteParticipant, reason: LeaveReason];
  /** Name or published tracks of a participant (local or remote) changed. */
  participantUpdated: [participant: Participant];
  trackSubscribed: [
    track: MediaStreamTrack,
    publication: RemoteTrackPublication,
    participant: RemoteParticipant,
  ];
  trackUnsubscribed: [
    track: MediaStreamTrack,
    publication: RemoteTrackPublication,
    participant: RemoteParticipant,
  ];
  /**
   * Who speaks now changed (`room.activeSpeakers`, most recent first): from the media server's audio
   * levels, so it works under E2EE too; a muted microphone never speaks.
   */
  activeSpeakersChanged: [speakers: Participant[]];
  trackMuted: [publication: TrackPublication, participant: Participant];
  trackUnmuted: [publication: TrackPublication, participant: Participant];
  /** The local camera or microphone track was opened, replaced or released (for the self view). */
  localTrackChanged: [publication: LocalTrackPublication];
  disconnected: [reason: DisconnectReason, error?: ConclaveError];
  /** End-to-end encryption changed: group status, epoch, Codewords, security code. */
  e2eeChanged: [state: E2eeState];
  /** Moderators only: who waits in the lobby now (everyone, on every change). */
  lobbyChanged: [waiting: readonly WaitingInfo[]];
  /** A moderator muted this participant's `source`; it may turn it on again itself only if `canUnmute`. */
  mutedByModerator: [source: TrackSource, moderatorName: string, canUnmute: boolean];
  /** A moderator lets this participant turn `source` on again. */
  unmuteAllowed: [source: TrackSource, moderatorName: string];
  /** How well a participant's media gets through changed (MEET-QUALITY); also `participant.connectionQuality`. */
  connectionQualityChanged: [quality: ConnectionQuality, participant: Participant];
  /** This client's media now goes directly or through a relay, over another protocol (`room.mediaPath`). */
  mediaPathChanged: [path: MediaPath | null];
  /**
   * The meeting started being recorded (by whom, since when) or stopped (null, and why: `stopped`, or
   * `failed` when the capture broke); also on joining a meeting already recorded (REC-NOTICE).
   */
  recordingChanged: [recording: CaptureState | null, reason?: CaptureEndReason];
  /** The meeting's live stream started or stopped, as `recordingChanged`. */
  streamChanged: [streaming: CaptureState | null, reason?: CaptureEndReason];
  /** What this participant may start changed (`room.canRecord`, `room.canStream`). */
  captureRightsChanged: [];
  /** Something went wrong that did not end the meeting (a refused request, a failing device…). */
  error: [error: ConclaveError];
}
