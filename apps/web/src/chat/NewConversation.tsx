import type { ChatClient } from '@conclave/client';
import {
  CONVERSATION_NAME_RULE,
  MAX_GROUP_MEMBERS,
  normaliseText,
  textProblem,
  type DirectoryUserEntry,
} from '@conclave/protocol';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { searchDirectory } from '../api/endpoints';
import { useApiErrorText } from '../app/session';
import { Alert, Button, TextField } from '../ui/components';

/** Typing is searched once it pauses this long, as in the directory. */
const SEARCH_DELAY_MS = 250;

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
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<DirectoryUserEntry[] | null>(null);
  const [chosen, setChosen] = useState<Person[]>([]);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    const q = query.trim();
    const timer = setTimeout(
      () =>
        void searchDirectory({ q, kind: 'user' }).then(
          (view) =>
            !cancelled &&
            setFound(view.entries.filter((e): e is DirectoryUserEntry => e.kind === 'user' && e.id !== self)),
          (err: unknown) => !cancelled && setError(errorText(err)),
        ),
      q ? SEARCH_DELAY_MS : 0,
    );
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [query, self, errorText]);

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
                  disabled={picked.has(p.id) || chosen.length >= MAX_GROUP_MEMBERS}
                  onClick={() => setChosen((c) => [...c, { id: p.id, name: p.displayName }])}
                >
                  {picked.has(p.id) ? 'Added' : 'Add'}
                </Button>
              </li>
            ))}
          </ul>
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
        {error && <Alert>{error}</Alert>}
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
