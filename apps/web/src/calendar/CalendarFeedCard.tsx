import type { CalendarFeedCreated, CalendarFeedStatus } from '@conclave/protocol';
import { useEffect, useId, useState } from 'react';
import { createCalendarFeed, deleteCalendarFeed, getCalendarFeed } from '../api/endpoints';
import { useApiErrorText } from '../app/session';
import { Alert, Button, CopyButton } from '../ui/components';

/**
 * "Calendar feed" on the account page (ADM-CALENDAR), when the organisation has calendars on: a
 * secret address listing the person's scheduled meetings, to subscribe to in a calendar app. It is
 * shown once (the server keeps only a digest); a new one replaces it, and deleting it stops it.
 */
export function CalendarFeedCard() {
  const id = useId();
  const handle = useApiErrorText();
  const [status, setStatus] = useState<CalendarFeedStatus | null>(null);
  const [created, setCreated] = useState<CalendarFeedCreated | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    getCalendarFeed().then(
      (s) => !cancelled && setStatus(s),
      (err: unknown) => !cancelled && setError(handle(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [handle]);

  // Shows its own errors, so the buttons need not wait for it.
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(handle(err));
    } finally {
      setBusy(false);
    }
  };
  const create = () =>
    run(async () => {
      const feed = await createCalendarFeed();
      setCreated(feed);
      setStatus((s) => s && { ...s, feed: { createdAt: feed.createdAt } });
    });
  const remove = () =>
    run(async () => {
      await deleteCalendarFeed();
      setCreated(null);
      setStatus((s) => s && { ...s, feed: null });
    });

  if (!status?.enabled) return error ? <Alert>{error}</Alert> : null;
  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="calendar-feed">
      <h2 id={`${id}-title`} className="admin-card-title">
        Calendar feed
      </h2>
      <p className="muted">
        Your scheduled meetings, those you organise and those you are invited to, in your calendar app, each
        with its join link. Subscribe to the feed address in Outlook (Add calendar, From internet), Google
        Calendar (Other calendars, From URL) or Apple Calendar (File, New Calendar Subscription). Anyone who
        has the address sees your meetings: keep it to yourself.
      </p>
      {created && (
        <div className="rec-link">
          <Alert tone="info">
            This address is shown only once. Copy it now: Conclave keeps no copy of it.
          </Alert>
          <div className="field">
            <label htmlFor={`${id}-url`}>Feed address</label>
            <div className="rec-link-row">
              <input
                id={`${id}-url`}
                type="text"
                readOnly
                value={created.url}
                onFocus={(e) => e.target.select()}
              />
              <CopyButton text={created.url} label="Copy address" variant="secondary" />
            </div>
          </div>
        </div>
      )}
      {!created && status.feed && (
        <p>
          You have a feed address since {new Date(status.feed.createdAt).toLocaleDateString()}. It was shown
          once; make a new one if you need it again (the old one then stops working).
        </p>
      )}
      {error && <Alert>{error}</Alert>}
      <div className="admin-save">
        <Button busy={busy} onClick={() => void create()}>
          {status.feed ? 'Make a new address' : 'Create feed address'}
        </Button>
        {status.feed && (
          <Button variant="danger" disabled={busy} onClick={() => void remove()}>
            Delete feed
          </Button>
        )}
      </div>
    </section>
  );
}
