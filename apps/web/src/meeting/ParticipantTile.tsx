import { RemoteTrackPublication, type Codeword, type Participant } from '@conclave/client';
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties } from 'react';
import { avatarHue, initials } from '../ui/components';
import { CameraOffIcon, HandIcon, MicOffIcon, PinIcon } from '../ui/icons';
import { ConnectionIndicator } from './ConnectionIndicator';
import { useShownVideo, useTrackElement } from './media';
import { kindMark } from './moderation';
import type { TilePlace } from './StageView';
import { TileCodeword } from './TileCodeword';

/**
 * One person on the stage: their camera (or an avatar when it is off), name, whether they are a
 * guest, room system or caller, and mute state; in an E2EE meeting, their Codeword under the
 * picture. A ring while the media server hears them speak (`participant.isSpeaking`), a hand while
 * it is raised, and a pin.
 * Remote audio plays apart from the tiles (RemoteAudio), heard whatever page is shown. The hooks the
 * e2e tests rely on live here: data-testid, data-participant-id, data-self, aria-label and the
 * data-source elements.
 */
export function ParticipantTile({
  participant,
  isSelf,
  name,
  width,
  height,
  codeword,
  place = 'gallery',
  pinned = false,
  onTogglePin,
}: {
  participant: Participant;
  isSelf: boolean;
  /** Shown until the server confirms the participant's name. */
  name: string;
  width: number;
  height: number;
  /** Only in an E2EE meeting: the participant's Codeword, null while they are not in the group. */
  codeword?: Codeword | null | undefined;
  /** Where the stage shows it (MEET-LAYOUT). */
  place?: TilePlace;
  pinned?: boolean;
  /** Pins or unpins this participant; no pin button without it. */
  onTogglePin?: () => void;
}) {
  const camera = participant.getPublication('camera');
  const microphone = participant.getPublication('microphone');
  const cameraOn = camera !== undefined && !camera.muted;
  const micOn = microphone !== undefined && !microphone.muted;
  const videoTrack = cameraOn ? (camera?.track ?? null) : null;

  const videoRef = useRef<HTMLVideoElement>(null);
  const [hasPicture, setHasPicture] = useState(false);
  useTrackElement(videoRef, videoTrack);
  // The media server's audio levels, the one source of truth for who speaks; never a muted microphone.
  const speaking = micOn && participant.isSpeaking;
  const hand = participant.isHandRaised;

  useEffect(() => setHasPicture(false), [videoTrack]);
  useShownVideo(camera);

  // The camera's simulcast layer follows the tile's size (MEET-QUALITY): a small tile gets a small picture.
  // Told in the same commit as the wish to receive it, so that the first view asks for that layer.
  useLayoutEffect(() => {
    if (!(camera instanceof RemoteTrackPublication) || width <= 0) return;
    camera.setVideoDimensions({ width, height }, window.devicePixelRatio || 1);
  }, [camera, width, height]);

  const showVideo = videoTrack !== null && hasPicture;
  // Until the server has told who this is (an id), its kind is not known either.
  const mark = participant.id === '' ? null : kindMark(participant.kind);
  const e2ee = codeword !== undefined;
  const style = { width, height, '--hue': avatarHue(participant.id || name) } as CSSProperties;

  return (
    <div
      className={`tile ${speaking ? 'tile-speaking' : ''} ${showVideo ? 'tile-video' : ''} ${e2ee ? 'tile-e2ee' : ''}`}
      style={style}
      role="group"
      aria-label={name}
      // Only once the server has given the participant an id: tests read it as soon as the tile exists.
      data-testid={participant.id ? 'participant-tile' : undefined}
      data-participant-id={participant.id}
      data-self={isSelf ? 'true' : 'false'}
      data-microphone={micOn ? 'on' : 'off'}
      data-camera={cameraOn ? 'on' : 'off'}
      data-speaking={speaking ? 'true' : 'false'}
      data-connection-quality={participant.connectionQuality}
      data-hand={hand ? 'raised' : undefined}
      data-place={place}
      data-pinned={pinned ? 'true' : undefined}
    >
      <div className="tile-avatar" aria-hidden="true">
        <span className="avatar avatar-lg">{initials(name)}</span>
      </div>
      <video
        ref={videoRef}
        className={`tile-video-el ${isSelf ? 'mirrored' : ''}`}
        data-source="camera"
        autoPlay
        playsInline
        muted
        onLoadedData={() => setHasPicture(true)}
        onPlaying={() => setHasPicture(true)}
      />
      {hand && (
        <span className="tile-hand" title="Hand raised">
          <HandIcon size={14} />
          <span>Hand raised</span>
        </span>
      )}
      {onTogglePin && participant.id && (
        <button
          type="button"
          className="tile-pin"
          aria-label={`${pinned ? 'Unpin' : 'Pin'} ${name}`}
          title={pinned ? 'Unpin' : 'Pin'}
          onClick={onTogglePin}
        >
          <PinIcon size={16} />
        </button>
      )}
      <div className="tile-footer">
        <span className="tile-name">
          {!micOn && (
            <span className="indicator indicator-muted" title="Microphone muted">
              <MicOffIcon size={14} />
              <span className="sr-only">Microphone muted</span>
            </span>
          )}
          {/* <bdi>: a right-to-left override in a name must not reorder the labels around it. */}
          <bdi className="tile-name-text">{name}</bdi>
          {mark && <span className="tile-guest">{mark}</span>}
          {isSelf && <span className="tile-you">(You)</span>}
        </span>
        <ConnectionIndicator quality={participant.connectionQuality} />
        {!cameraOn && (
          <span className="indicator indicator-camera" title="Camera off">
            <CameraOffIcon size={14} />
            <span className="sr-only">Camera off</span>
          </span>
        )}
      </div>
      {e2ee && <TileCodeword codeword={codeword} />}
    </div>
  );
}
