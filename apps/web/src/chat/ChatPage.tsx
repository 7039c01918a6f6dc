import type { ChatClient } from '@conclave/client';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useApiErrorText, useSession } from '../app/session';
import { AppLayout } from '../pages/AppLayout';
import { Alert, Button, Spinner } from '../ui/components';
import { useChat } from './ChatProvider';
import { ConversationList } from './ConversationList';
import { ConversationPane } from './ConversationPane';
import { useChatEnabled } from './hooks';
import { NewConversation } from './NewConversation';

/** CHAT-DIRECT: `/chat` and `/chat/:conversationId`, for the signed-in person. */
export function ChatPage() {
  const chat = useChat();
  const self = useSession().session?.user.id;
  if (!chat || self === undefined) return null;
  return <ChatScreen chat={chat} self={self} />;
}

/**
 * The person's conversations beside the open one, or beside the form that starts one. With chat off
 * for the organisation (CHAT-TOGGLE) it says so, and nothing can be sent or started, while every
 * conversation stays readable.
 */
function ChatScreen({ chat, self }: { chat: ChatClient; self: string }) {
  const { conversationId } = useParams();
  const navigate = useNavigate();
  const errorText = useApiErrorText();
  const enabled = useChatEnabled(chat);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  // The list as the server has it now, whatever the header's client heard before.
  useEffect(() => {
    let cancelled = false;
    chat.refresh().then(
      () => !cancelled && setLoaded(true),
      (err: unknown) => !cancelled && setError(errorText(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [chat, errorText]);

  const open = (id: string) => {
    setStarting(false);
    void navigate(`/chat/${encodeURIComponent(id)}`);
  };
  return (
    <AppLayout title="Chat" intro="Conversations with the people of your organisation.">
      {!enabled && (
        <Alert tone="info">
          Chat is turned off for your organisation. You can read your conversations, but no new messages can
          be sent.
        </Alert>
      )}
      {error && <Alert>{error}</Alert>}
      <div className="chat-layout">
        <section className="card chat-sidebar" aria-labelledby="chat-conversations">
          <div className="card-header">
            <h2 id="chat-conversations">Conversations</h2>
            <Button size="sm" variant="primary" disabled={!enabled} onClick={() => setStarting(true)}>
              New conversation
            </Button>
          </div>
          {loaded ? (
            <ConversationList chat={chat} self={self} onOpen={() => setStarting(false)} />
          ) : (
            !error && (
              <div className="empty">
                <Spinner label="Loading conversations" />
              </div>
            )
          )}
        </section>
        {starting ? (
          <NewConversation chat={chat} self={self} onStarted={open} onCancel={() => setStarting(false)} />
        ) : conversationId !== undefined ? (
          <ConversationPane key={conversationId} chat={chat} conversationId={conversationId} self={self} />
        ) : (
          <section className="card chat-pane" aria-label="No conversation open">
            <p className="empty">Choose a conversation, or start a new one.</p>
          </section>
        )}
      </div>
    </AppLayout>
  );
}
