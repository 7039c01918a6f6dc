import type { DirectoryMeetingEntry, MeetingView } from '@conclave/protocol';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { updateMeeting } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { useApiErrorText } from '../../app/session';
import { Button, TextField } from '../../ui/components';
import { fieldMessage } from './fieldMessage';

/**
 * A meeting's new name, typed under its row of the Meetings table. A refused name is shown next to the
 * field; any other refusal goes to `onError`, the page's Alert.
 */
export function RenameMeetingForm({
  meeting,
  onRenamed,
  onCancel,
  onError,
}: {
  meeting: DirectoryMeetingEntry;
  onRenamed: (view: MeetingView) => void;
  onCancel: () => void;
  onError: (err: unknown) => void;
}) {
  const handle = useApiErrorText();
  const [name, setName] = useState(meeting.name);
  const [nameError, setNameError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLInputElement>(null);

  useEffect(() => ref.current?.select(), []);

  // Shows its own errors, so the form handler need not wait for it.
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setNameError('Enter a name');
      return;
    }
    setBusy(true);
    setNameError(undefined);
    onError(null);
    try {
      onRenamed(await updateMeeting(meeting.id, { name: trimmed }));
    } catch (err) {
      if (err instanceof ApiError && err.field === 'name') setNameError(fieldMessage(handle(err), 'name'));
      else onError(err);
      setBusy(false);
    }
  };

  return (
    <form
      className="admin-rename"
      aria-label={`Rename ${meeting.name}`}
      onSubmit={(e) => void save(e)}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      noValidate
    >
      <TextField
        ref={ref}
        label="New name"
        value={name}
        maxLength={120}
        required
        onChange={(e) => setName(e.target.value)}
        error={nameError}
      />
      <div className="row-actions">
        <Button type="submit" variant="primary" size="sm" busy={busy}>
          Save name
        </Button>
        <Button variant="ghost" size="sm" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
