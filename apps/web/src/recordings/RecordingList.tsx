import type { RecordingView } from '@conclave/protocol';
import { NavLink } from 'react-router';
import { lengthText, recordingLengthMs, startedText, STATUS_TEXT } from './format';

/** The recordings one may view, newest first; each opens in the player beside the list. */
export function RecordingList({ recordings }: { recordings: RecordingView[] }) {
  return (
    <ul className="rec-list" aria-label="Recordings" data-testid="recordings">
      {recordings.map((r) => {
        const length = recordingLengthMs(r);
        return (
          <li key={r.id}>
            <NavLink
              to={`/recordings/${encodeURIComponent(r.id)}`}
              className="rec-list-item"
              data-testid="recording-item"
              data-recording-id={r.id}
              data-status={r.status}
            >
              <bdi className="rec-list-name">{r.meetingName}</bdi>
              <span className="rec-list-meta">
                <time dateTime={r.startedAt}>{startedText(r.startedAt)}</time>
                {length !== null && <> · {lengthText(length)}</>}
              </span>
              <span className="rec-list-meta">
                Started by <bdi>{r.startedByName}</bdi>
              </span>
              {r.status !== 'ready' && (
                <span className={`rec-status rec-status-${r.status}`}>{STATUS_TEXT[r.status]}</span>
              )}
            </NavLink>
          </li>
        );
      })}
    </ul>
  );
}
