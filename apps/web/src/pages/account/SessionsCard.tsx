import type { AccountSessionView } from '@conclave/protocol';
import { useCallback, useEffect, useId, useState } from 'react';
import { endAccountSession, endOtherSessions, getAccountSessions } from '../../api/endpoints';
import { useApiErrorText } from '../../app/session';
import { Alert, Button } from '../../ui/components';

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Where the person is signed in, this browser first marked; sign out any other, or all of them. */
export function SessionsCard({ refresh }: { refresh: number }) {
  const id = useId();
  const handle = useApiErrorText();
  const [sessions, setSessions] = useState<AccountSessionView[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    // Never fails: a refusal is shown instead.
    void getAccountSessions().then(
      (r) => setSessions(r.sessions),
      (err: unknown) => setError(handle(err)),
    );
  }, [handle]);
  useEffect(load, [load, refresh]);

  const run = async (key: string, action: () => Promise<unknown>) => {
    setBusy(key);
    setError(null);
    try {
      await action();
      load();
    } catch (err) {
      setError(handle(err));
    } finally {
      setBusy(null);
    }
  };

  const others = sessions?.filter((s) => !s.current) ?? [];
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="admin-card-title">
        Where you’re signed in
      </h2>
      {error && <Alert>{error}</Alert>}
      {sessions && (
        <ul className="account-sessions" aria-label="Sessions">
          {sessions.map((s) => (
            <li key={s.id}>
              <div>
                <strong>{s.device ?? 'Unknown browser'}</strong>
                {s.current && <span className="ext">This browser</span>}
                <div className="muted">
                  Signed in {when(s.createdAt)} · last active {when(s.lastSeenAt)}
                </div>
              </div>
              {!s.current && (
                <Button
                  size="sm"
                  busy={busy === s.id}
                  disabled={busy !== null}
                  onClick={() => void run(s.id, () => endAccountSession(s.id))}
                  aria-label={`Sign out ${s.device ?? 'unknown browser'}`}
                >
                  Sign out
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <div className="admin-save">
          <Button
            busy={busy === 'others'}
            disabled={busy !== null}
            onClick={() => void run('others', endOtherSessions)}
          >
            Sign out everywhere else
          </Button>
        </div>
      )}
    </section>
  );
}
