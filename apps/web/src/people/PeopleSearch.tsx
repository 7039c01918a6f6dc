import type { DirectoryUserEntry } from '@conclave/protocol';
import { useEffect, useState } from 'react';
import { searchDirectory } from '../api/endpoints';
import { useApiErrorText } from '../app/session';
import { Button } from '../ui/components';

/** Typing is searched once it pauses this long, as in the directory. */
const SEARCH_DELAY_MS = 250;

/**
 * The organisation's people whose name or address matches what is typed (the directory's search),
 * never `self`: for picking people, as chat's New conversation and a recording's sharing do.
 */
export function usePeopleSearch(self: string) {
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
  return { query, setQuery, found, error };
}

/** The people found, each with Add (Added once picked; none while `full`). */
export function PeopleFound({
  found,
  picked,
  full,
  disabled = false,
  onAdd,
}: {
  found: readonly DirectoryUserEntry[];
  picked: ReadonlySet<string>;
  full: boolean;
  disabled?: boolean;
  onAdd: (person: DirectoryUserEntry) => void;
}) {
  return (
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
            onClick={() => onAdd(p)}
          >
            {picked.has(p.id) ? 'Added' : 'Add'}
          </Button>
        </li>
      ))}
    </ul>
  );
}
