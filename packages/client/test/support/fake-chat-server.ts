/// <reference types="node" />
/**
 * Plays the server's chat API (`/api/chat`) behind the ChatClient's `fetch` seam, in memory, with the
 * rules of packages/server/src/chat: members only (404 otherwise), history newest first in pages with
 * `more`, unread = others' messages after the member's read mark, deleted ones not counted, a sender
 * has read what they sent, writes refused with 403 `chat_disabled` while chat is off. What the others
 * do goes through `as(person)`, and each change returns the `chatMessage` notification the server
 * would send, for the test to hand to the client (or to lose, as a dropped socket would).
 */
import {
  CSRF_HEADER,
  type ChatMessageView,
  type ConversationView,
  type Notification,
} from '@conclave/protocol';
import type { FetchLike } from '../../src/regions';

export const BASE_URL = 'https://meet.example';
export const CSRF_TOKEN = 'csrf-token-of-the-session';

interface Conversation {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
  members: string[];
  lastMessageAt: string | null;
  readUpTo: Map<string, string>;
}

type Json = Record<string, unknown>;

export class FakeChatServer {
  enabled = true;
  pageSize = 50;
  /** False: every request fails as when the network is down. */
  reachable = true;
  readonly requests: { method: string; url: string; headers: Record<string, string>; body: Json | null }[] =
    [];
  private readonly people = new Map<string, string>();
  private readonly conversations: Conversation[] = [];
  private readonly messages: ChatMessageView[] = [];
  private clock = Date.parse('2026-12-01T10:00:00.000Z');
  private ids = 0;

  constructor(
    readonly self: string,
    people: Record<string, string>,
  ) {
    for (const [id, name] of Object.entries(people)) this.people.set(id, name);
  }

  /** What another person does, as the server answers them and notifies. */
  as(person: string) {
    return {
      start: (others: string[], name: string | null = null) => this.start(person, others, name),
      send: (conversationId: string, body: string): Notification =>
        this.notification(this.send(person, conversationId, body)),
      edit: (messageId: string, body: string): Notification =>
        this.notification(this.rewrite(person, messageId, body)!),
      delete: (messageId: string): Notification => this.notification(this.rewrite(person, messageId, null)!),
    };
  }

  /** The unread count the server would give `person` for a conversation. */
  unread(person: string, conversationId: string): number {
    const c = this.conversation(conversationId)!;
    const mark = c.readUpTo.get(person) ?? '';
    return this.messages.filter(
      (m) => m.conversationId === c.id && m.author.id !== person && m.body !== null && m.id > mark,
    ).length;
  }

  readonly fetch: FetchLike = async (url, init = {}) => {
    const method = init.method ?? 'GET';
    const headers = { ...(init.headers as Record<string, string> | undefined) };
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Json) : null;
    this.requests.push({ method, url, headers, body });
    if (!this.reachable) throw new TypeError('Failed to fetch');
    if (method !== 'GET' && headers[CSRF_HEADER] !== CSRF_TOKEN) return refuse(403, 'csrf_failed');
    const { pathname, searchParams } = new URL(url);
    const [, conversationId, part, messageId, ...rest] =
      /^\/api\/chat\/conversations(?:\/([^/]+))?(?:\/(\w+))?(?:\/([^/]+))?(.*)$/
        .exec(pathname)!
        .map((x) => (x === undefined ? undefined : decodeURIComponent(x)));
    if (rest.some(Boolean)) return refuse(404, 'not_found');
    const write = method !== 'GET' && method !== 'DELETE' && part !== 'read';
    if (write && !this.enabled) return refuse(403, 'chat_disabled');
    if (conversationId === undefined) {
      if (method === 'GET') return Response.json({ enabled: this.enabled, conversations: this.list() });
      const others = body!.kind === 'direct' ? [body!.userId as string] : (body!.memberIds as string[]);
      return Response.json(this.view(this.start(this.self, others, (body!.name as string) ?? null)), {
        status: 201,
      });
    }
    const c = this.conversation(conversationId);
    if (!c || !c.members.includes(this.self)) return refuse(404, 'not_found');
    if (part === undefined) return Response.json(this.view(c.id));
    if (part === 'read') {
      c.readUpTo.set(this.self, body!.messageId as string);
      return new Response(null, { status: 204 });
    }
    if (messageId === undefined && method === 'GET') {
      const before = searchParams.get('before') ?? '\uffff';
      const older = this.messages.filter((m) => m.conversationId === c.id && m.id < before).reverse();
      return Response.json({ messages: older.slice(0, this.pageSize), more: older.length > this.pageSize });
    }
    if (messageId === undefined) {
      return Response.json(this.send(this.self, c.id, body!.body as string), { status: 201 });
    }
    const changed = this.rewrite(this.self, messageId, method === 'DELETE' ? null : (body!.body as string));
    if (!changed) return refuse(404, 'not_found');
    return method === 'DELETE' ? new Response(null, { status: 204 }) : Response.json(changed);
  };

  private start(maker: string, others: string[], name: string | null): string {
    const members = [maker, ...others];
    const pair = name === null ? [...members].sort().join(' ') : null;
    const existing = this.conversations.find(
      (c) => c.name === null && [...c.members].sort().join(' ') === pair,
    );
    if (existing) return existing.id;
    const id = `c-${String(++this.ids).padStart(6, '0')}`;
    this.conversations.push({
      id,
      kind: name === null ? 'direct' : 'group',
      name,
      members,
      lastMessageAt: null,
      readUpTo: new Map(),
    });
    return id;
  }

  private send(author: string, conversationId: string, body: string): ChatMessageView {
    const c = this.conversation(conversationId)!;
    const message: ChatMessageView = {
      id: `m-${String(++this.ids).padStart(6, '0')}`,
      conversationId,
      author: { id: author, name: this.people.get(author)! },
      body,
      createdAt: this.tick(),
      editedAt: null,
    };
    this.messages.push(message);
    c.lastMessageAt = message.createdAt;
    c.readUpTo.set(author, message.id);
    return message;
  }

  private rewrite(author: string, messageId: string, body: string | null): ChatMessageView | null {
    const index = this.messages.findIndex((m) => m.id === messageId && m.author.id === author);
    const old = this.messages[index];
    if (!old || old.body === null) return null;
    const message = { ...old, body, editedAt: this.tick() };
    this.messages[index] = message;
    return message;
  }

  private list(): ConversationView[] {
    return this.conversations
      .filter((c) => c.members.includes(this.self))
      .sort((a, b) => (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? ''))
      .map((c) => this.view(c.id));
  }

  private view(id: string): ConversationView {
    const c = this.conversation(id)!;
    return {
      id: c.id,
      kind: c.kind,
      name: c.name,
      members: c.members.map((m) => ({ id: m, name: this.people.get(m)! })),
      unread: this.unread(this.self, c.id),
      lastMessageAt: c.lastMessageAt,
    };
  }

  private conversation(id: string): Conversation | undefined {
    return this.conversations.find((c) => c.id === id);
  }

  private notification(message: ChatMessageView): Notification {
    return { type: 'chatMessage', message };
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }
}

function refuse(status: number, code: string): Response {
  return Response.json({ code, message: `refused: ${code}` }, { status });
}
