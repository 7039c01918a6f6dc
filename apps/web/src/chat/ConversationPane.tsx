import { ConclaveError, type ChatClient } from '@conclave/client';
import { useEffect, useId, useState } from 'react';
import { useApiErrorText } from '../app/session';
import { Alert, Spinner } from '../ui/components';
import { Composer } from './Composer';
import { conversationTitle } from './format';
import { useChatEnabled, useConversations, useHistory, usePageVisible } from './hooks';
import { MessageList } from './MessageList';

/**
 * One conversation: its history (newest at the bottom, older pages on demand), and the composer.
 * While it is open and the tab is in view, what arrives is marked read.
 */
export function ConversationPane({
  chat,
  conversationId,
  self,
}: {
  chat: ChatClient;
  conversationId: string;
  self: string;
}) {
  const headingId = useId();
  const errorText = useApiErrorText();
  const conversation = useConversations(chat).find((c) => c.id === conversationId);
  const history = useHistory(chat, conversationId);
  const enabled = useChatEnabled(chat);
  const visible = usePageVisible();
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);

  // Not in the list (a link to it, or a list not read yet): the server says what it is.
  const listed = conversation !== undefined;
  useEffect(() => {
    if (listed) return;
    chat.fetchConversation(conversationId).catch((err: unknown) => {
      if (err instanceof ConclaveError && err.code === 'not_found') setMissing(true);
      else setError(errorText(err));
    });
  }, [chat, conversationId, listed, errorText]);

  useEffect(() => {
    if (history.loaded) return;
    chat.loadOlder(conversationId).catch((err: unknown) => setError(errorText(err)));
  }, [chat, conversationId, history.loaded, errorText]);

  const unread = conversation?.unread ?? 0;
  const newest = history.messages.at(-1)?.id;
  useEffect(() => {
    if (!visible || unread === 0 || newest === undefined) return;
    // Not shown when it fails: the messages stay unread, as they are on the server.
    chat.markRead(conversationId).catch(() => undefined);
  }, [chat, conversationId, visible, unread, newest]);

  if (missing) {
    return (
      <section className="card chat-pane" aria-label="Conversation not found">
        <p className="empty">There is no such conversation.</p>
      </section>
    );
  }
  const title = conversation ? conversationTitle(conversation, self) : '';
  return (
    <section className="card chat-pane" aria-labelledby={headingId}>
      <div className="card-header chat-pane-header">
        <h2 id={headingId}>
          <bdi>{title}</bdi>
        </h2>
        {conversation?.kind === 'group' && (
          <p className="muted chat-members">
            {conversation.members.map((m, i) => (
              <span key={m.id}>
                {i > 0 && ', '}
                <bdi>{m.id === self ? 'you' : m.name}</bdi>
              </span>
            ))}
          </p>
        )}
      </div>
      {error && <Alert>{error}</Alert>}
      {conversation && history.loaded ? (
        <>
          <MessageList
            chat={chat}
            conversationId={conversationId}
            history={history}
            self={self}
            label={`Messages with ${title}`}
          />
          <Composer
            label={`Message ${title}`}
            disabled={!enabled}
            onSend={async (body) => {
              await chat.send(conversationId, body);
            }}
          />
        </>
      ) : (
        !error && (
          <div className="empty">
            <Spinner label="Loading messages" />
          </div>
        )
      )}
    </section>
  );
}
