import type { ChatClient } from '@conclave/client';
import type { ChatMessageView } from '@conclave/protocol';
import { useState } from 'react';
import { useApiErrorText } from '../app/session';
import { Button } from '../ui/components';
import { useChatEnabled } from './hooks';
import { MessageEditor } from './MessageEditor';
import { messageTime } from './format';

/**
 * One message: who, when, its words (or that it was deleted), and for one's own, Edit and Delete.
 * Editing needs chat on (CHAT-TOGGLE); deleting one's own words never does.
 */
export function MessageItem({
  chat,
  message,
  mine,
}: {
  chat: ChatClient;
  message: ChatMessageView;
  mine: boolean;
}) {
  const enabled = useChatEnabled(chat);
  const errorText = useApiErrorText();
  const [mode, setMode] = useState<'reading' | 'editing' | 'deleting'>('reading');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { body } = message;

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await chat.delete(message.conversationId, message.id);
      setMode('reading');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      className={`chat-message${mine ? ' chat-message-mine' : ''}`}
      data-testid="chat-message"
      data-message-id={message.id}
    >
      <div className="chat-message-meta">
        <bdi className="chat-author">{mine ? 'You' : message.author.name}</bdi>
        <time dateTime={message.createdAt}>{messageTime(message.createdAt)}</time>
        {body !== null && message.editedAt !== null && <span className="muted">(edited)</span>}
      </div>
      {body === null ? (
        <p className="chat-body chat-deleted">This message was deleted.</p>
      ) : mode === 'editing' ? (
        <MessageEditor
          initial={body}
          save={async (text) => {
            await chat.edit(message.conversationId, message.id, text);
            setMode('reading');
          }}
          onCancel={() => setMode('reading')}
        />
      ) : (
        <p className="chat-body">{body}</p>
      )}
      {mine && body !== null && mode === 'reading' && (
        <div className="chat-message-actions">
          <Button size="sm" variant="ghost" disabled={!enabled} onClick={() => setMode('editing')}>
            Edit
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setMode('deleting')}>
            Delete
          </Button>
        </div>
      )}
      {mine && body !== null && mode === 'deleting' && (
        <div className="chat-message-actions" role="group" aria-label="Delete this message?">
          <span>Delete this message?</span>
          <Button size="sm" variant="danger" busy={busy} onClick={() => void remove()}>
            Delete message
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setMode('reading')}>
            Keep it
          </Button>
        </div>
      )}
      {error && <p className="field-error">{error}</p>}
    </li>
  );
}
