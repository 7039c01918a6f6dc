import type { RecordingView } from '@conclave/protocol';
import { useState } from 'react';
import { downloadName } from './format';

/**
 * A ready recording in the browser's own player (its controls work from the keyboard, and it seeks by
 * asking the server for byte ranges, each checked), with a Download link to the same file. One being
 * made, or that failed, says so instead.
 */
export function RecordingPlayer({ view }: { view: RecordingView }) {
  const [failed, setFailed] = useState(false);
  if (view.status === 'recording') {
    return (
      <p className="rec-player-note">
        This meeting is still being recorded. It can be played here once the recording ends.
      </p>
    );
  }
  if (view.status === 'failed') {
    return <p className="rec-player-note">This recording failed: nothing of it was kept.</p>;
  }
  return (
    <div className="rec-player">
      {/* Recordings have no captions to offer: what was said is in the sound alone. */}
      <video
        className="rec-video"
        controls
        preload="metadata"
        src={view.mediaUrl}
        aria-label={`Recording of ${view.meetingName}`}
        data-testid="recording-player"
        onError={() => setFailed(true)}
      >
        Your browser cannot play this recording. Download it instead.
      </video>
      {failed && (
        <p className="rec-player-note" role="alert">
          The recording could not be played. It may have been deleted, or it is no longer shared with you.
        </p>
      )}
      <div className="rec-actions">
        <a className="btn btn-secondary btn-sm" href={view.mediaUrl} download={downloadName(view)}>
          Download
        </a>
      </div>
    </div>
  );
}
