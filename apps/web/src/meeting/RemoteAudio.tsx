import type { RemoteParticipant } from '@conclave/client';
import { useEffect, useRef } from 'react';
import { useTrackElement } from './media';

/**
 * Everyone's received microphone, played whether or not their tile is on the page shown (a large
 * meeting shows a page at a time; MEET-QUALITY): one hidden <audio> per remote participant the room
 * receives audio of. With audio slots the server changes whose microphone a stream carries, and the
 * SDK moves the track to its new owner: these elements follow.
 */
export function RemoteAudio({
  participants,
  speakerId,
  onBlocked,
}: {
  participants: readonly RemoteParticipant[];
  /** The loudspeaker chosen in Settings, if any. */
  speakerId: string | undefined;
  onBlocked: () => void;
}) {
  return (
    <div hidden data-testid="remote-audio">
      {participants.map((p) => {
        const track = p.getPublication('microphone')?.track ?? null;
        return track ? (
          <ParticipantAudio key={p.id} id={p.id} track={track} speakerId={speakerId} onBlocked={onBlocked} />
        ) : null;
      })}
    </div>
  );
}

function ParticipantAudio({
  id,
  track,
  speakerId,
  onBlocked,
}: {
  id: string;
  track: MediaStreamTrack;
  speakerId: string | undefined;
  onBlocked: () => void;
}) {
  const ref = useRef<HTMLAudioElement>(null);
  useTrackElement(ref, track, onBlocked);
  useEffect(() => {
    const el = ref.current;
    if (el?.setSinkId && speakerId !== undefined) el.setSinkId(speakerId).catch(() => undefined);
  }, [speakerId, track]);
  return <audio ref={ref} data-source="microphone" data-participant-id={id} autoPlay />;
}
