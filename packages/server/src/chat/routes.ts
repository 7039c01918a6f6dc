import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  chatMessageRequestSchema,
  createConversationRequestSchema,
  ID_PATTERN,
  type ChatHistoryView,
  type ChatMessageView,
  type ConversationListView,
  type ConversationView,
} from '@conclave/protocol';
import type { Authenticator } from '../auth';
import type { ChatService } from './service';

const id = z.string().regex(ID_PATTERN, 'Not a valid id');
const historyQuerySchema = z.object({ before: id.optional() });
const readRequestSchema = z.object({ messageId: id });

type Conversation = { Params: { id: string } };
type Message = { Params: { id: string; messageId: string } };

/** Under /api/chat, in the signed-in context (CHAT-DIRECT). */
export function chatRoutes(chat: ChatService, authenticator: Authenticator): FastifyPluginAsync {
  return async (app) => {
    app.get('/conversations', async (request): Promise<ConversationListView> =>
      chat.list(authenticator.principal(request)),
    );
    app.post('/conversations', async (request, reply): Promise<ConversationView> => {
      const input = createConversationRequestSchema.parse(request.body);
      return reply.code(201).send(await chat.create(authenticator.principal(request), input));
    });
    app.get<Conversation>('/conversations/:id', async (request): Promise<ConversationView> =>
      chat.view(authenticator.principal(request), id.parse(request.params.id)),
    );
    app.get<Conversation>('/conversations/:id/messages', async (request): Promise<ChatHistoryView> => {
      const { before } = historyQuerySchema.parse(request.query);
      return chat.history(authenticator.principal(request), id.parse(request.params.id), before ?? null);
    });
    app.post<Conversation>(
      '/conversations/:id/messages',
      async (request, reply): Promise<ChatMessageView> => {
        const { body } = chatMessageRequestSchema.parse(request.body);
        const message = await chat.send(authenticator.principal(request), id.parse(request.params.id), body);
        return reply.code(201).send(message);
      },
    );
    app.patch<Message>(
      '/conversations/:id/messages/:messageId',
      async (request): Promise<ChatMessageView> => {
        const { body } = chatMessageRequestSchema.parse(request.body);
        const { id: conversationId, messageId } = request.params;
        return chat.edit(
          authenticator.principal(request),
          id.parse(conversationId),
          id.parse(messageId),
          body,
        );
      },
    );
    app.delete<Message>('/conversations/:id/messages/:messageId', async (request, reply) => {
      const { id: conversationId, messageId } = request.params;
      await chat.delete(authenticator.principal(request), id.parse(conversationId), id.parse(messageId));
      return reply.code(204).send();
    });
    app.post<Conversation>('/conversations/:id/read', async (request, reply) => {
      const { messageId } = readRequestSchema.parse(request.body);
      await chat.markRead(authenticator.principal(request), id.parse(request.params.id), messageId);
      return reply.code(204).send();
    });
  };
}
