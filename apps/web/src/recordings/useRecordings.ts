import type { RecordingView } from '@conclave/protocol';
import { useCallback, useEffect, useState } from 'react';
import { listRecordings } from '../api/endpoints';
import { useApiErrorText } from '../app/session';

/** While one is still being recorded, the list is asked for again this often (to see it end). */
const POLL_MS = 15_000;

/** The recordings the signed-in person may view (newest first), kept up to date with their changes. */
export function useRecordings() {
  const errorText = useApiErrorText();
  const [recordings, setRecordings] = useState<RecordingView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const recording = recordings?.some((r) => r.status === 'recording') ?? false;

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      void listRecordings().then(
        (view) => {
          if (cancelled) return;
          setError(null);
          setRecordings(view.recordings);
        },
        (err: unknown) => !cancelled && setError(errorText(err)),
      );
    // The first load, and again while one is being recorded.
    if (!recording) load();
    const timer = recording ? setInterval(load, POLL_MS) : undefined;
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [errorText, recording]);

  const replace = useCallback(
    (view: RecordingView) => setRecordings((list) => list?.map((r) => (r.id === view.id ? view : r)) ?? null),
    [],
  );
  const remove = useCallback(
    (id: string) => setRecordings((list) => list?.filter((r) => r.id !== id) ?? null),
    [],
  );
  return { recordings, error, replace, remove };
}
