import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useSession } from '../app/session';
import { AppLayout } from '../pages/AppLayout';
import { Alert, Spinner } from '../ui/components';
import { RecordIcon } from '../ui/icons';
import { RecordingList } from './RecordingList';
import { RecordingPane } from './RecordingPane';
import { useRecordings } from './useRecordings';

/**
 * REC-ACCESS: `/recordings` and `/recordings/:recordingId`, for the signed-in person: the recordings
 * they may view beside the open one's player.
 */
export function RecordingsPage() {
  const self = useSession().session?.user.id;
  const { recordingId } = useParams();
  const navigate = useNavigate();
  const { recordings, error, replace, remove } = useRecordings();
  const [notice, setNotice] = useState('');
  if (self === undefined) return null;
  const open = recordingId === undefined ? undefined : recordings?.find((r) => r.id === recordingId);

  return (
    <AppLayout
      title="Recordings"
      intro="Recordings of meetings that you may watch. Those you own, you choose who else can."
    >
      {error && <Alert>{error}</Alert>}
      <span className="sr-only" role="status">
        {notice}
      </span>
      <div className="rec-layout">
        <section className="card rec-sidebar" aria-labelledby="rec-all">
          <div className="card-header">
            <h2 id="rec-all">All recordings</h2>
            {recordings && <span className="count-badge">{recordings.length}</span>}
          </div>
          {!recordings && !error && (
            <div className="empty">
              <Spinner label="Loading recordings" />
            </div>
          )}
          {recordings?.length === 0 && (
            <div className="empty">
              <RecordIcon size={32} />
              <p>No recordings yet. Those of your meetings, and those shared with you, appear here.</p>
            </div>
          )}
          {recordings && recordings.length > 0 && <RecordingList recordings={recordings} />}
        </section>
        {open ? (
          <RecordingPane
            key={open.id}
            view={open}
            self={self}
            onChanged={replace}
            onDeleted={() => {
              remove(open.id);
              setNotice(`The recording of ${open.meetingName} was deleted.`);
              void navigate('/recordings', { replace: true });
            }}
          />
        ) : (
          <section className="card rec-pane" aria-label="No recording open">
            <p className="empty">
              {recordingId !== undefined && recordings
                ? 'This recording is not there: it was deleted, or it is not shared with you.'
                : 'Choose a recording to watch it.'}
            </p>
          </section>
        )}
      </div>
    </AppLayout>
  );
}
