import type { RecordingView } from '@conclave/protocol';
import { lengthIso, lengthText, recordingLengthMs, sizeText, startedText, STATUS_TEXT } from './format';

/** What is known of a recording: when, how long, who started it, its state and size. */
export function RecordingFacts({ view }: { view: RecordingView }) {
  const length = recordingLengthMs(view);
  return (
    <dl className="rec-facts">
      <div>
        <dt>Recorded</dt>
        <dd>
          <time dateTime={view.startedAt}>{startedText(view.startedAt)}</time>
        </dd>
      </div>
      {length !== null && (
        <div>
          <dt>Length</dt>
          <dd>
            <time dateTime={lengthIso(length)}>{lengthText(length)}</time>
          </dd>
        </div>
      )}
      <div>
        <dt>Started by</dt>
        <dd>
          <bdi>{view.startedByName}</bdi>
        </dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd data-testid="recording-status">{STATUS_TEXT[view.status]}</dd>
      </div>
      {view.status === 'ready' && view.size > 0 && (
        <div>
          <dt>Size</dt>
          <dd>{sizeText(view.size)}</dd>
        </div>
      )}
    </dl>
  );
}
