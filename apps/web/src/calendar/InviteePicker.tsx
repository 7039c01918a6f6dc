import { MAX_MEETING_INVITEES, type MeetingInvitee } from '@conclave/protocol';
import { useId } from 'react';
import { PeopleFound, usePeopleSearch } from '../people/PeopleSearch';
import { Alert, Button, TextField } from '../ui/components';

/**
 * "Invite people" of the create and edit meeting forms (ADM-INVITE): people of the organisation found
 * in the directory, as a recording's sharing does, at most MAX_MEETING_INVITEES, never the owner.
 */
export function InviteePicker({
  owner,
  chosen,
  onChange,
  disabled = false,
}: {
  owner: string;
  chosen: MeetingInvitee[];
  onChange: (invitees: MeetingInvitee[]) => void;
  disabled?: boolean;
}) {
  const id = useId();
  const { query, setQuery, found, error } = usePeopleSearch(owner);
  const picked = new Set(chosen.map((p) => p.id));
  const full = chosen.length >= MAX_MEETING_INVITEES;
  return (
    <div className="invitee-picker">
      <TextField
        label="Invite people"
        type="search"
        placeholder="Name or email"
        maxLength={100}
        value={query}
        disabled={disabled}
        hint={
          full
            ? `At most ${MAX_MEETING_INVITEES} people.`
            : 'They see the meeting on their home page and in their calendar feed.'
        }
        onChange={(e) => setQuery(e.target.value)}
      />
      {error && <Alert>{error}</Alert>}
      {found && query.trim() !== '' && (
        <PeopleFound
          found={found}
          picked={picked}
          full={full}
          disabled={disabled}
          onAdd={(p) => onChange([...chosen, { id: p.id, displayName: p.displayName }])}
        />
      )}
      {chosen.length > 0 && (
        <>
          <p className="rec-people-title" id={`${id}-chosen`}>
            Invited
          </p>
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
        </>
      )}
    </div>
  );
}
