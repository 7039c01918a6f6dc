import { useRef, useState } from 'react';
import { useApiErrorText } from '../app/session';
import { Button, TextArea } from '../ui/components';
import { charactersLeft, checkMessage, sendOnEnter } from './messageText';

/**
 * Writing a message: Enter sends, Shift+Enter starts a new line; the limits are the server's
 * (`CHAT_MESSAGE_RULE`). Disabled while chat is off for the organisation (CHAT-TOGGLE).
 */
export function Composer({
  label,
  disabled,
  onSend,
}: {
  label: string;
  disabled: boolean;
  onSend: (body: string) => Promise<void>;
}) {
  const errorText = useApiErrorText();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // Enter pressed twice quickly must not send twice.
  const sending = useRef(false);

  const send = async () => {
    const { body, problem } = checkMessage(text);
    if (sending.current || disabled || body === '') return;
    if (problem) {
      setError(problem);
      return;
    }
    sending.current = true;
    setBusy(true);
    try {
      await onSend(body);
      setText('');
      setError(undefined);
    } catch (err) {
      setError(errorText(err));
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const left = charactersLeft(text);
  const hint = disabled
    ? 'Chat is turned off for your organisation'
    : left !== null
      ? `${left} characters left`
      : 'Enter sends; Shift+Enter starts a new line';
  return (
    <form
      className="chat-composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <TextArea
        label={label}
        className="chat-composer-field"
        value={text}
        rows={2}
        disabled={disabled}
        hint={hint}
        error={error}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => sendOnEnter(e, () => void send())}
      />
      <Button type="submit" variant="primary" disabled={disabled} busy={busy}>
        Send
      </Button>
    </form>
  );
}
