import type { RecordingView } from '@conclave/protocol';
import { useId, useState } from 'react';
import { Alert } from '../ui/components';
import { DeleteRecording } from './DeleteRecording';
import { RecordingFacts } from './RecordingFacts';
import { RecordingPlayer } from './RecordingPlayer';
import { SharingForm } from './SharingForm';

/**
 * One recording: what is known of it and its player; for its owner, who can view it; for those who
 * may, deleting it.
 */
export function RecordingPane({
  view,
  self,
  onChanged,
  onDeleted,
}: {
  view: RecordingView;
  self: string;
  onChanged: (view: RecordingView) => void;
  onDeleted: () => void;
}) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="card rec-pane" aria-labelledby={`${id}-title`} data-testid="recording-pane">
      <div className="card-header rec-pane-header">
        <h2 id={`${id}-title`}>
          <bdi>{view.meetingName}</bdi>
        </h2>
        {view.canDelete && <DeleteRecording view={view} onDeleted={onDeleted} onError={setError} />}
      </div>
      {error && <Alert>{error}</Alert>}
      <RecordingFacts view={view} />
      <RecordingPlayer view={view} />
      {view.isOwner && <SharingForm view={view} self={self} onChanged={onChanged} />}
    </section>
  );
}
