import type { MeetingPublicView } from '@conclave/protocol';
import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { getPublicMeeting } from '../api/endpoints';
import { AppHeader } from '../pages/AppHeader';
import { useLiveStream } from './useLiveStream';

/**
 * STREAM-LIVE: `/live/:meetingId`, a meeting's live stream for its viewers, signed in or not (unless
 * the organisation keeps streams to its people: then they sign in first). A few seconds behind the
 * meeting; it waits, and starts by itself, while nothing is streamed.
 */
export function LivePage() {
  const { meetingId = '' } = useParams();
  const video = useRef<HTMLVideoElement>(null);
  const state = useLiveStream(meetingId, video);
  const [meeting, setMeeting] = useState<MeetingPublicView | null>(null);
  useEffect(() => {
    getPublicMeeting(meetingId).then(setMeeting, () => setMeeting(null));
  }, [meetingId]);
  const title = meeting ? meeting.name : 'Live stream';
  return (
    <div className="app-shell">
      <AppHeader />
      <main className="home">
        <section className="card rec-pane" aria-labelledby="live-title">
          <h1 id="live-title" className="rec-shared-title">
            <bdi>{title}</bdi>
          </h1>
          <p className="rec-player-note" role="status" data-testid="live-status">
            {state === 'playing'
              ? 'Live'
              : state === 'waiting'
                ? 'This meeting is not streamed live now. The stream starts here by itself when it is.'
                : 'Connecting to the live stream…'}
          </p>
          <div className="rec-player">
            {/* A live meeting has no captions to offer: what is said is in the sound alone. */}
            <video
              ref={video}
              className="rec-video"
              controls
              muted
              playsInline
              data-testid="live-player"
              aria-label={`Live stream of ${title}`}
            />
          </div>
        </section>
      </main>
    </div>
  );
}
