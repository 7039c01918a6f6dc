import type { MeetingPublicView } from '@conclave/protocol';
import { useCallback, useEffect, useState } from 'react';
import { getPublicMeeting } from '../api/endpoints';
import { ApiError } from '../api/http';

export type MeetingInfo =
  | { status: 'loading' }
  | { status: 'ready'; meeting: MeetingPublicView }
  | { status: 'missing' }
  /** A one-time meeting that has taken place: its link is dead. */
  | { status: 'ended' }
  | { status: 'failed'; message: string };

/** The public view of a meeting (what the join page shows), which also names the browser tab. */
export function useMeetingInfo(meetingId: string): { info: MeetingInfo; retry: () => void } {
  const [info, setInfo] = useState<MeetingInfo>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setInfo({ status: 'loading' });
    getPublicMeeting(meetingId).then(
      (meeting) => {
        if (cancelled) return;
        setInfo({ status: 'ready', meeting });
        document.title = `${meeting.name} · Conclave`;
      },
      (err: unknown) => {
        if (cancelled) return;
        if (err instanceof ApiError && (err.code === 'meeting_ended' || err.status === 410)) {
          setInfo({ status: 'ended' });
        } else if (err instanceof ApiError && (err.code === 'meeting_not_found' || err.status === 404)) {
          setInfo({ status: 'missing' });
        } else {
          setInfo({
            status: 'failed',
            message: err instanceof Error ? err.message : 'Could not load the meeting',
          });
        }
      },
    );
    return () => {
      cancelled = true;
      document.title = 'Conclave';
    };
  }, [meetingId, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { info, retry };
}
