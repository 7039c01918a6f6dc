import {
  CSRF_HEADER,
  ERROR_CODES,
  type ChatHistoryView,
  type ChatMessageView,
  type ConversationListView,
  type ConversationView,
  type CreateConversationRequest,
  type ErrorCode,
} from '@conclave/protocol';
import { ConclaveError } from '../errors';
import type { FetchLike } from '../regions';

export interface ChatApiOptions {
  /** Where the server is, e.g. `https://meet.example`; empty for the page's own origin. */
  baseUrl: string;
  /** The session's CSRF token, which every write must carry besides the session cookie. */
  csrfToken: string;
  fetch: FetchLike;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);

/**
 * The REST API of chat (`/api/chat`), one method per route. The browser sends the session cookie
 * itself (same origin); refusals become ConclaveErrors with the server's stable code.
 */
export class ChatApi {
  private readonly base: string;

  constructor(private readonly options: ChatApiOptions) {
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/api/chat/conversations`;
  }

  list(): Promise<ConversationListView> {
    return this.request('GET', '');
  }

  create(input: CreateConversationRequest): Promise<ConversationView> {
    return this.request('POST', '', input);
  }

  view(conversationId: string): Promise<ConversationView> {
    return this.request('GET', conversation(conversationId));
  }

  /** A page of history, newest first, older than the message `before` when given. */
  history(conversationId: string, before: string | null): Promise<ChatHistoryView> {
    const query = before === null ? '' : `?before=${encodeURIComponent(before)}`;
    return this.request('GET', `${conversation(conversationId)}/messages${query}`);
  }

  send(conversationId: string, body: string): Promise<ChatMessageView> {
    return this.request('POST', `${conversation(conversationId)}/messages`, { body });
  }

  edit(conversationId: string, messageId: string, body: string): Promise<ChatMessageView> {
    return this.request('PATCH', message(conversationId, messageId), { body });
  }

  delete(conversationId: string, messageId: string): Promise<void> {
    return this.request('DELETE', message(conversationId, messageId));
  }

  read(conversationId: string, messageId: string): Promise<void> {
    return this.request('POST', `${conversation(conversationId)}/read`, { messageId });
  }

  private async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers[CSRF_HEADER] = this.options.csrfToken;
    let response: Response;
    try {
      response = await this.options.fetch(this.base + path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new ConclaveError('request_failed', 'Could not reach the server', { cause: err });
    }
    if (response.status === 204) return undefined as T;
    let data: unknown;
    try {
      data = await response.json();
    } catch (err) {
      if (response.ok) {
        throw new ConclaveError('request_failed', 'The server’s answer was not JSON', { cause: err });
      }
      data = undefined;
    }
    if (!response.ok) throw refusal(response.status, data);
    // The server's own answer, of the type its route declares (as the web app trusts it too).
    return data as T;
  }
}

function conversation(id: string): string {
  return `/${encodeURIComponent(id)}`;
}

function message(conversationId: string, messageId: string): string {
  return `${conversation(conversationId)}/messages/${encodeURIComponent(messageId)}`;
}

/** An error body of the server (`ApiErrorBody`), or what its status says when it sent none (a proxy's page). */
function refusal(status: number, data: unknown): ConclaveError {
  const body = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const code = isErrorCode(body.code) ? body.code : status === 404 ? 'not_found' : 'internal';
  const text = typeof body.message === 'string' ? body.message : `The server answered ${status}`;
  return new ConclaveError(code, text, typeof body.field === 'string' ? { field: body.field } : {});
}
