import { MAX_RECORDING_VIEWERS } from '@conclave/protocol';
import { useId } from 'react';
import { PeopleFound, usePeopleSearch } from '../people/PeopleSearch';
import { Alert, Button, TextField } from '../ui/components';
import type { Viewer } from './sharing';

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
  const { query, setQuery, found, error } = usePeopleSearch(self);

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
        <PeopleFound
          found={found}
          picked={picked}
          full={full}
          disabled={disabled}
          onAdd={(p) => onChange([...chosen, { id: p.id, displayName: p.displayName }])}
        />
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
