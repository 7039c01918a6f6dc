import type { ChatClient } from '@conclave/client';
import { CONVERSATION_NAME_RULE, MAX_GROUP_MEMBERS, normaliseText, textProblem } from '@conclave/protocol';
import { useId, useState, type FormEvent } from 'react';
import { PeopleFound, usePeopleSearch } from '../people/PeopleSearch';
import { useApiErrorText } from '../app/session';
import { Alert, Button, TextField } from '../ui/components';

type Person = { id: string; name: string };

/**
 * Starting a conversation (CHAT-DIRECT): people picked from the directory; one person makes (or
 * reopens) the one-to-one conversation with them, more make a group, which needs a name.
 */
export function NewConversation({
  chat,
  self,
  onStarted,
  onCancel,
}: {
  chat: ChatClient;
  self: string;
  onStarted: (conversationId: string) => void;
  onCancel: () => void;
}) {
  const headingId = useId();
  const errorText = useApiErrorText();
  const { query, setQuery, found, error: searchError } = usePeopleSearch(self);
  const [chosen, setChosen] = useState<Person[]>([]);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const group = chosen.length > 1;
  const start = async (e: FormEvent) => {
    e.preventDefault();
    const groupName = normaliseText(name);
    const problem = group ? textProblem(groupName, CONVERSATION_NAME_RULE) : null;
    setNameError(problem ?? undefined);
    if (problem || chosen.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const ids = chosen.map((p) => p.id);
      const view = group ? await chat.startGroup(groupName, ids) : await chat.startDirect(ids[0]!);
      onStarted(view.id);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  const picked = new Set(chosen.map((p) => p.id));

  return (
    <section className="card chat-pane" aria-labelledby={headingId}>
      <div className="card-header">
        <h2 id={headingId}>New conversation</h2>
      </div>
      <form className="chat-new" onSubmit={(e) => void start(e)}>
        <TextField
          label="Find people"
          type="search"
          placeholder="Name or email"
          maxLength={100}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        {found && (
          <PeopleFound
            found={found}
            picked={picked}
            full={chosen.length >= MAX_GROUP_MEMBERS}
            onAdd={(p) => setChosen((c) => [...c, { id: p.id, name: p.displayName }])}
          />
        )}
        {chosen.length > 0 && (
          <ul className="chat-people" aria-label="With">
            {chosen.map((p) => (
              <li key={p.id} className="chat-person">
                <bdi>{p.name}</bdi>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Remove ${p.name}`}
                  onClick={() => setChosen((c) => c.filter((x) => x.id !== p.id))}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
        {group && (
          <TextField
            label="Group name"
            value={name}
            error={nameError}
            onChange={(e) => setName(e.target.value)}
          />
        )}
        {(error ?? searchError) && <Alert>{error ?? searchError}</Alert>}
        <div className="chat-actions">
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy} disabled={chosen.length === 0}>
            {group ? 'Start group' : 'Start conversation'}
          </Button>
        </div>
      </form>
    </section>
  );
}
