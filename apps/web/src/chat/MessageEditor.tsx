import { useState, type KeyboardEvent } from 'react';
import { useApiErrorText } from '../app/session';
import { Button, TextArea } from '../ui/components';
import { checkMessage, sendOnEnter } from './messageText';

/** Editing one's own message in place: Enter saves, Shift+Enter starts a new line, Escape cancels. */
export function MessageEditor({
  initial,
  save,
  onCancel,
}: {
  initial: string;
  save: (body: string) => Promise<void>;
  onCancel: () => void;
}) {
  const errorText = useApiErrorText();
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async () => {
    if (busy) return;
    const { body, problem } = checkMessage(text);
    if (problem) {
      setError(problem);
      return;
    }
    if (body === initial) {
      onCancel();
      return;
    }
    setBusy(true);
    try {
      await save(body);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') onCancel();
    else sendOnEnter(e, () => void submit());
  };
  return (
    <form
      className="chat-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <TextArea
        label="Edit message"
        value={text}
        rows={2}
        autoFocus
        error={error}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="chat-message-actions">
        <Button size="sm" variant="primary" type="submit" busy={busy}>
          Save
        </Button>
        <Button size="sm" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
