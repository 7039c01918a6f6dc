import type { Participant } from '@conclave/client';
import { useRef } from 'react';
import { useShownVideo, useTrackElement } from './media';
import type { Size } from './stageLayout';

/**
 * Someone's shared screen, shown large (MEET-SHARE): contained, never cropped or mirrored, so that
 * text on it stays whole. The e2e tests find it by data-source="screen" and data-participant-id.
 */
export function ScreenShareTile({
  participant,
  name,
  size,
}: {
  participant: Participant;
  name: string;
  /** Its place on the stage: the big one in presentation layout, or a strip tile. */
  size: Size;
}) {
  const publication = participant.getPublication('screen');
  const track = publication && !publication.muted ? publication.track : null;
  const videoRef = useRef<HTMLVideoElement>(null);
  useShownVideo(publication);
  useTrackElement(videoRef, track);
  const label = `${name}'s screen`;
  return (
    <figure
      className="screen-share"
      role="group"
      aria-label={label}
      data-testid="screen-share"
      data-participant-id={participant.id}
      style={{ width: size.width, height: size.height }}
    >
      <video
        ref={videoRef}
        className="screen-share-video"
        data-source="screen"
        data-participant-id={participant.id}
        autoPlay
        playsInline
        muted
      />
      <figcaption className="screen-share-caption">
        <bdi>{participant.isLocal ? 'You are' : `${name} is`}</bdi> sharing
      </figcaption>
    </figure>
  );
}
