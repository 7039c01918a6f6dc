import type { MissedCallsView } from '@conclave/protocol';
import { useEffect, useState } from 'react';
import { getMissedCalls, markMissedCallsSeen } from '../api/endpoints';
import { useApiErrorText } from '../app/session';
import { Alert, Button } from '../ui/components';
import { useCalls } from './CallProvider';

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** MEET-CALL: the calls the person missed, with a count of those not yet seen; hidden when none. */
export function MissedCallsCard() {
  const calls = useCalls();
  const errorText = useApiErrorText();
  const [missed, setMissed] = useState<MissedCallsView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const version = calls?.missedVersion ?? 0;

  useEffect(() => {
    let cancelled = false;
    getMissedCalls().then(
      (view) => !cancelled && setMissed(view),
      (err: unknown) => !cancelled && setError(errorText(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [version, errorText]);

  if (error) return <Alert>{error}</Alert>;
  if (!missed || missed.calls.length === 0) return null;
  const markSeen = () =>
    markMissedCallsSeen().then(
      () => setMissed((m) => m && { ...m, unseen: 0 }),
      (err: unknown) => setError(errorText(err)),
    );
  return (
    <section className="card meeting-list-card" aria-labelledby="missed-calls">
      <div className="card-header">
        <h2 id="missed-calls">Missed calls</h2>
        {missed.unseen > 0 && (
          <span className="count-badge" aria-label={`${missed.unseen} new`}>
            {missed.unseen}
          </span>
        )}
        {missed.unseen > 0 && (
          <Button size="sm" variant="ghost" onClick={() => void markSeen()}>
            Mark as seen
          </Button>
        )}
      </div>
      <ul className="meeting-list" data-testid="missed-calls">
        {missed.calls.map((c) => (
          <li key={c.id} className="meeting-row">
            <div className="meeting-main">
              <h3 className="meeting-name">
                <bdi>{c.caller.name}</bdi>
                {c.meetingName && (
                  <>
                    {' '}
                    asked you to join <bdi>{c.meetingName}</bdi>
                  </>
                )}
              </h3>
              <div className="meeting-meta">
                <time dateTime={c.at}>{time.format(new Date(c.at))}</time>
              </div>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
