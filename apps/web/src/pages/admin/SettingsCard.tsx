import type { Settings, UpdateSettingsRequest } from '@conclave/protocol';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../api/http';
import { useApiErrorText } from '../../app/session';
import { Alert, Button } from '../../ui/components';
import { fieldMessage } from './fieldMessage';

/** A refusal of a save: the server's message, and the field it is about (e.g. `domains.allowed.2`). */
export interface SaveError {
  message: string;
  field?: string | undefined;
}

/** Sends a card's changed sections (whole sections, as PATCH /api/settings takes them). */
export type SaveSettings = (changes: UpdateSettingsRequest) => Promise<Settings>;

/**
 * One card of the Settings page: its fields, and a Save that sends only the sections that changed.
 * `showsField` says which refusals a field of the card shows itself; the rest appear as an Alert.
 */
export function SettingsCard({
  title,
  note,
  changes,
  save,
  onSaved,
  showsField = () => false,
  children,
}: {
  title: string;
  note?: string;
  /** The card's sections whose draft differs from what is saved; none: nothing to save. */
  changes: UpdateSettingsRequest;
  save: SaveSettings;
  /** The settings as saved, to start the card's draft from again (the server tidies what it keeps). */
  onSaved: (settings: Settings) => void;
  showsField?: (field: string) => boolean;
  children: (error: SaveError | null) => ReactNode;
}) {
  const id = useId();
  const handle = useApiErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SaveError | null>(null);
  const [saved, setSaved] = useState(false);
  const dirty = Object.keys(changes).length > 0;

  // Shows its own errors, so the form handler need not wait for it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      onSaved(await save(changes));
      setSaved(true);
    } catch (err) {
      const field = err instanceof ApiError ? err.field : undefined;
      setError({ message: fieldMessage(handle(err), field), field });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="admin-card-title">
        {title}
      </h2>
      {note && <p className="muted admin-note">{note}</p>}
      <form className="admin-form" onSubmit={(e) => void submit(e)} noValidate>
        {children(error)}
        {error && !(error.field && showsField(error.field)) && <Alert>{error.message}</Alert>}
        <div className="admin-save">
          <Button type="submit" variant="primary" busy={busy} disabled={!dirty}>
            Save {title.toLowerCase()}
          </Button>
          <span role="status" className="muted">
            {saved && !dirty ? 'Saved.' : dirty ? 'Unsaved changes.' : ''}
          </span>
        </div>
      </form>
    </section>
  );
}

/** The sections of `draft` that differ from `saved`. */
export function changedSections<K extends keyof Settings>(
  saved: Settings,
  draft: Pick<Settings, K>,
): Partial<Pick<Settings, K>> {
  const changes: Partial<Pick<Settings, K>> = {};
  for (const key of Object.keys(draft) as K[]) {
    if (JSON.stringify(saved[key]) !== JSON.stringify(draft[key])) changes[key] = draft[key];
  }
  return changes;
}
