import type { RecordingView } from '@conclave/protocol';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { getRecording, openRecordingLink } from '../api/endpoints';
import { ApiError } from '../api/http';
import { AppHeader } from '../pages/AppHeader';
import { Button, Spinner } from '../ui/components';
import { HomeLink, MessagePage } from '../ui/MessagePage';
import { RecordingFacts } from './RecordingFacts';
import { RecordingPlayer } from './RecordingPlayer';
import { linkKey } from './sharing';

type State =
  { kind: 'opening' } | { kind: 'open'; view: RecordingView } | { kind: 'invalid' } | { kind: 'unreachable' };

/**
 * REC-ACCESS: `/r/:id#key=…`, a recording shared by link, for anyone, signed in or not. The key is
 * read from the fragment (which never reaches the server with the page) and taken out of the address
 * bar at once; posted, it gives this browser a cookie for this recording alone, with which the page
 * and the player ask for it. Opened again without the key (e.g. reloaded), the cookie alone is tried.
 */
export function RecordingLinkPage() {
  const { id = '' } = useParams();
  // Read once: the fragment is gone from the address after the first render.
  const [key] = useState(() => linkKey(window.location.hash));
  const [state, setState] = useState<State>({ kind: 'opening' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (window.location.hash) {
      window.history.replaceState(
        window.history.state,
        '',
        window.location.pathname + window.location.search,
      );
    }
  }, []);

  useEffect(() => {
    let cancelled = false;
    const open = async () => {
      if (key !== null) await openRecordingLink(id, key);
      return getRecording(id);
    };
    setState({ kind: 'opening' });
    open().then(
      (view) => !cancelled && setState({ kind: 'open', view }),
      (err: unknown) =>
        !cancelled &&
        setState({ kind: err instanceof ApiError && err.code === 'network' ? 'unreachable' : 'invalid' }),
    );
    return () => {
      cancelled = true;
    };
  }, [id, key, attempt]);

  if (state.kind === 'invalid') {
    return (
      <MessagePage
        title="This link does not work"
        message="The link is incomplete, or it has been replaced by a newer one, or the recording was deleted or is no longer shared by link. Ask whoever sent it for a new link."
        action={<HomeLink />}
      />
    );
  }
  if (state.kind === 'unreachable') {
    return (
      <MessagePage
        title="Cannot reach Conclave"
        message="The server did not answer. Check your connection, then try again."
        action={
          <Button variant="primary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </Button>
        }
      />
    );
  }
  return (
    <div className="app-shell">
      <AppHeader />
      <main className="home">
        {state.kind === 'opening' ? (
          <div className="empty">
            <Spinner size={28} label="Opening the recording" />
          </div>
        ) : (
          <section className="card rec-pane" aria-labelledby="rec-shared-title">
            <h1 id="rec-shared-title" className="rec-shared-title">
              <bdi>{state.view.meetingName}</bdi>
            </h1>
            <RecordingFacts view={state.view} />
            <RecordingPlayer view={state.view} />
          </section>
        )}
      </main>
    </div>
  );
}
