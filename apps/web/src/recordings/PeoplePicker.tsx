import { MAX_RECORDING_VIEWERS, type DirectoryUserEntry } from '@conclave/protocol';
import { useEffect, useId, useState } from 'react';
import { searchDirectory } from '../api/endpoints';
import { useApiErrorText } from '../app/session';
import { Alert, Button, TextField } from '../ui/components';
import type { Viewer } from './sharing';

/** Typing is searched once it pauses this long, as in the directory and chat. */
const SEARCH_DELAY_MS = 250;

/**
 * Choosing the people of the organisation a recording is shared with: found in the directory as in
 * chat's New conversation, at most MAX_RECORDING_VIEWERS of them, never the owner themself.
 */
export function PeoplePicker({
  self,
  chosen,
  onChange,
  disabled = false,
}: {
  self: string;
  chosen: Viewer[];
  onChange: (viewers: Viewer[]) => void;
  disabled?: boolean;
}) {
  const id = useId();
  const errorText = useApiErrorText();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<DirectoryUserEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const q = query.trim();
    const timer = setTimeout(
      () =>
        void searchDirectory({ q, kind: 'user' }).then(
          (view) => {
            if (cancelled) return;
            setError(null);
            setFound(view.entries.filter((e): e is DirectoryUserEntry => e.kind === 'user' && e.id !== self));
          },
          (err: unknown) => !cancelled && setError(errorText(err)),
        ),
      q ? SEARCH_DELAY_MS : 0,
    );
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [query, self, errorText]);

  const picked = new Set(chosen.map((p) => p.id));
  const full = chosen.length >= MAX_RECORDING_VIEWERS;
  return (
    <div className="rec-people">
      <TextField
        label="Find people"
        type="search"
        placeholder="Name or email"
        maxLength={100}
        value={query}
        disabled={disabled}
        hint={full ? `At most ${MAX_RECORDING_VIEWERS} people.` : undefined}
        onChange={(e) => setQuery(e.target.value)}
      />
      {error && <Alert>{error}</Alert>}
      {found && (
        <ul className="chat-people" aria-label="People found">
          {found.length === 0 && <li className="muted">Nobody found.</li>}
          {found.map((p) => (
            <li key={p.id} className="chat-person">
              <span>
                <bdi>{p.displayName}</bdi> <span className="muted">{p.email}</span>
              </span>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`${picked.has(p.id) ? 'Added' : 'Add'} ${p.displayName}`}
                disabled={disabled || picked.has(p.id) || full}
                onClick={() => onChange([...chosen, { id: p.id, displayName: p.displayName }])}
              >
                {picked.has(p.id) ? 'Added' : 'Add'}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <p className="rec-people-title" id={`${id}-chosen`}>
        Can view
      </p>
      {chosen.length > 0 ? (
        <ul className="chat-people" aria-labelledby={`${id}-chosen`}>
          {chosen.map((p) => (
            <li key={p.id} className="chat-person">
              <bdi>{p.displayName}</bdi>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove ${p.displayName}`}
                disabled={disabled}
                onClick={() => onChange(chosen.filter((x) => x.id !== p.id))}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Nobody chosen yet.</p>
      )}
    </div>
  );
}
