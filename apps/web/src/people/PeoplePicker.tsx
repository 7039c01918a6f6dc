import { useId } from 'react';
import { Alert, Button, TextField } from '../ui/components';
import { PeopleFound, usePeopleSearch } from './PeopleSearch';

/** Someone chosen: by id, named as the directory names them. */
export interface ChosenPerson {
  id: string;
  displayName: string;
}

/**
 * Choosing people of the organisation, found in the directory as in chat's New conversation: at most
 * `max` of them, never `self`. A recording's viewers (REC-ACCESS) and a meeting's invitees
 * (ADM-INVITE) are chosen so.
 */
export function PeoplePicker({
  self,
  chosen,
  onChange,
  max,
  label,
  hint,
  chosenTitle,
  nobodyChosen,
  className,
  browse = false,
  disabled = false,
}: {
  self: string;
  chosen: ChosenPerson[];
  onChange: (people: ChosenPerson[]) => void;
  max: number;
  label: string;
  /** Under the search field while more may be chosen. */
  hint?: string;
  chosenTitle: string;
  /** Said under the title while nobody is chosen; without it, the title shows only with someone. */
  nobodyChosen?: string;
  className: string;
  /** Lists the directory's people before anything is typed, to choose from. */
  browse?: boolean;
  disabled?: boolean;
}) {
  const id = useId();
  const { query, setQuery, found, error } = usePeopleSearch(self);
  const picked = new Set(chosen.map((p) => p.id));
  const full = chosen.length >= max;
  return (
    <div className={className}>
      <TextField
        label={label}
        type="search"
        placeholder="Name or email"
        maxLength={100}
        value={query}
        disabled={disabled}
        hint={full ? `At most ${max} people.` : hint}
        onChange={(e) => setQuery(e.target.value)}
      />
      {error && <Alert>{error}</Alert>}
      {found && (browse || query.trim() !== '') && (
        <PeopleFound
          found={found}
          picked={picked}
          full={full}
          disabled={disabled}
          onAdd={(p) => onChange([...chosen, { id: p.id, displayName: p.displayName }])}
        />
      )}
      {(chosen.length > 0 || nobodyChosen) && (
        <p className="rec-people-title" id={`${id}-chosen`}>
          {chosenTitle}
        </p>
      )}
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
        nobodyChosen && <p className="muted">{nobodyChosen}</p>
      )}
    </div>
  );
}
