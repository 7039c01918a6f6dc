import { AUDIT_ACTIONS, type AuditAction, type AuditEventView, type AuditQuery } from '@conclave/protocol';
import { useEffect, useId, useState } from 'react';
import { getAuditLog } from '../../api/endpoints';
import { useApiErrorText } from '../../app/session';
import { Alert, Button, Spinner, TextField } from '../../ui/components';
import { AdminTable } from './AdminTable';
import { ACTION_NAMES, detailsText, targetText } from './auditText';

const PAGE_SIZE = 50;

/** The start of a local calendar day (`2025-03-14`) as the instant the server filters by. */
const startOfDay = (date: string): string | undefined =>
  /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00`).toISOString() : undefined;

const filterOf = (action: AuditAction | '', since: string): AuditQuery => {
  const from = startOfDay(since);
  return { limit: PAGE_SIZE, ...(action && { action }), ...(from && { since: from }) };
};

/** ADM-AUDIT: who did what, newest first, filtered, a page at a time. */
export function AuditPage() {
  const handle = useApiErrorText();
  const actionId = useId();
  const [action, setAction] = useState<AuditAction | ''>('');
  const [since, setSince] = useState('');
  const [events, setEvents] = useState<AuditEventView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The first page again whenever a filter changes.
  useEffect(() => {
    let cancelled = false;
    setEvents(null);
    setError(null);
    // Never fails: a refusal is shown instead of the entries.
    void getAuditLog(filterOf(action, since)).then(
      (page) => {
        if (cancelled) return;
        setEvents(page.events);
        setNext(page.next);
      },
      (err: unknown) => !cancelled && setError(handle(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [action, since, handle]);

  // Shows its own errors, so the button need not wait for it.
  const loadMore = async () => {
    if (!next) return;
    setBusy(true);
    setError(null);
    try {
      const page = await getAuditLog({ ...filterOf(action, since), before: next });
      setEvents((e) => [...(e ?? []), ...page.events]);
      setNext(page.next);
    } catch (err) {
      setError(handle(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="admin-audit">
      <h2 id="admin-audit" className="admin-card-title">
        Audit log
      </h2>
      <div className="admin-filters" role="search" aria-label="Filter the audit log">
        <div className="field">
          <label htmlFor={actionId}>Action</label>
          <select
            id={actionId}
            value={action}
            onChange={(e) => setAction(AUDIT_ACTIONS.find((a) => a === e.target.value) ?? '')}
          >
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_NAMES[a]}
              </option>
            ))}
          </select>
        </div>
        <TextField label="Since" type="date" value={since} onChange={(e) => setSince(e.target.value)} />
      </div>
      {error && <Alert>{error}</Alert>}
      {!events && !error && (
        <div className="empty">
          <Spinner label="Loading the audit log" />
        </div>
      )}
      {events && events.length === 0 && <p className="empty">Nothing was recorded that matches.</p>}
      {events && events.length > 0 && (
        <AdminTable columns={['When', 'Who', 'Action', 'Target', 'Details', 'From address']}>
          {events.map((e) => (
            <tr key={e.id} data-testid="audit-event">
              <td className="admin-when">
                <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
              </td>
              <td>
                <bdi>{e.actor.name}</bdi>
              </td>
              <td>{ACTION_NAMES[e.action]}</td>
              <td>
                <bdi>{targetText(e)}</bdi>
              </td>
              <td className="admin-details">{detailsText(e)}</td>
              <td className="admin-ip">{e.clientIp || '—'}</td>
            </tr>
          ))}
        </AdminTable>
      )}
      {next && (
        <div className="admin-more">
          <Button busy={busy} onClick={() => void loadMore()}>
            Load more
          </Button>
        </div>
      )}
    </section>
  );
}
