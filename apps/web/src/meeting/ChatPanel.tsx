import type { ChatMessage, Room } from '@conclave/client';
import { CHAT_MESSAGE_RULE } from '@conclave/protocol';
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { SendIcon } from '../ui/icons';
import { prepareClock } from './ControlBar';
import { useChatVersion } from './useChat';

/** Why the composer cannot send now, in the person's words; null when it can. */
function blocked(room: Room): string | null {
  const { chat } = room;
  if (!chat.enabled) return 'Chat is turned off for your organisation.';
  if (room.state !== 'connected') return 'Chat comes back once you are connected again.';
  if (!chat.canSend) return 'Chat opens once your device has the meeting’s keys.';
  return null;
}

/**
 * The meeting's chat panel (CHAT-MEETING): everyone's messages in order, a composer (Enter sends,
 * Shift+Enter starts a new line). In an E2EE meeting it says that the server cannot read the chat
 * and that only what is said after joining shows (E2EE-CHAT); with chat turned off for the
 * organisation it says so and does not send (CHAT-TOGGLE). What is shown while open counts as read.
 */
export function ChatPanel({
  id,
  open,
  room,
  onError,
}: {
  id: string;
  open: boolean;
  room: Room;
  onError: (message: string) => void;
}) {
  useChatVersion(room.chat);
  const { chat } = room;
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const list = useRef<HTMLDivElement>(null);
  const why = blocked(room);
  const count = chat.messages.length;

  useEffect(() => {
    if (open) chat.markRead();
  }, [open, count, chat]);
  // The newest message in view, as a chat does.
  useLayoutEffect(() => {
    const el = list.current;
    if (open && el) el.scrollTop = el.scrollHeight;
  }, [open, count]);

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    if (sending || why || draft.trim() === '') return;
    setSending(true);
    try {
      await chat.send(draft);
      setDraft('');
    } catch (err) {
      onError(err instanceof Error ? err.message : 'The message could not be sent');
    } finally {
      setSending(false);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) void send(e);
  };

  return (
    <aside id={id} className="chat-panel" aria-label="Chat" hidden={!open}>
      <div className="panel-head">
        <h2>Chat</h2>
        {chat.encrypted && (
          <p className="chat-note" data-testid="chat-e2ee-note">
            End-to-end encrypted: the server cannot read these messages. You see only what is sent after you
            joined.
          </p>
        )}
      </div>
      {/* A log (new messages are read out politely) holding a list: a list with role="log" is no list. */}
      <div ref={list} className="chat-list" role="log" aria-label="Messages" data-testid="chat-messages">
        <ol>
          {chat.messages.map((m) => (
            <ChatLine key={m.id} message={m} />
          ))}
          {count === 0 && <li className="chat-empty">No messages yet.</li>}
        </ol>
      </div>
      <form className="chat-composer" onSubmit={(e) => void send(e)}>
        {why && (
          <p className="chat-note" role="status" data-testid="chat-blocked">
            {why}
          </p>
        )}
        <label htmlFor={`${id}-draft`} className="sr-only">
          Message everyone
        </label>
        <textarea
          id={`${id}-draft`}
          value={draft}
          rows={2}
          maxLength={CHAT_MESSAGE_RULE.max}
          placeholder="Message everyone"
          disabled={why !== null}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKey}
        />
        <button
          type="submit"
          className="chat-send"
          aria-label="Send message"
          disabled={why !== null || sending || draft.trim() === ''}
        >
          <SendIcon size={18} />
        </button>
      </form>
    </aside>
  );
}

function ChatLine({ message }: { message: ChatMessage }) {
  return (
    <li className={`chat-line ${message.own ? 'chat-line-own' : ''}`} data-testid="chat-message">
      <div className="chat-line-head">
        <span className="chat-author">{message.own ? 'You' : message.displayName}</span>
        <time dateTime={message.sentAt.toISOString()}>{prepareClock().format(message.sentAt)}</time>
      </div>
      <p className="chat-body">{message.body}</p>
    </li>
  );
}
