import type {
  ChatHistoryView,
  ChatMessageView,
  ConversationListView,
  ConversationView,
  CreateConversationRequest,
} from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { Vault } from '../at-rest';
import type { Clock } from '../common/clock';
import { AppError, notFound } from '../common/errors';
import type { Limiters } from '../common/rate-limit';
import { newId, orderedIds } from '../common/ids';
import type { DomainEvents, UserPrincipal } from '../domain';
import { messageContext } from './contexts';
import { ChatGate, type ChatEnabled } from './gate';
import type { ChatStore, ConversationRow, MessageRow } from './store';

const HISTORY_PAGE = 50;
/** Conversations listed at most: the most recently active; older ones stay reachable by their id. */
const LISTED = 200;

const conversationNotFound = () => notFound('There is no such conversation', 'not_found');
const messageNotFound = () => notFound('There is no such message', 'not_found');
const personNotFound = () => notFound('There is no such person in your organisation', 'user_not_found');

export interface ChatOptions {
  /** Messages (new or edited) one person may send per minute (default 120). */
  messagesPerMinute?: number;
  /** Conversations one person may start per hour (default 60). */
  conversationsPerHour?: number;
}

export interface ChatDeps {
  store: ChatStore;
  vault: Vault;
  events: DomainEvents;
  clock: Clock;
  limiters: Limiters;
  enabled: ChatEnabled;
  options?: ChatOptions;
  /** A stored message that does not open (tampered with, or its key gone) is left out and reported here. */
  onUnreadable?: (err: unknown, what: string) => void;
}

/**
 * Conversations between people of one organisation (CHAT-DIRECT). Only members read or write a
 * conversation; whoever is not a member is told it does not exist. Bodies are sealed with the
 * organisation's data key before they reach the store (CHAT-AT-REST).
 */
export class ChatService {
  private readonly store: ChatStore;
  private readonly vault: Vault;
  private readonly events: DomainEvents;
  private readonly clock: Clock;
  /** Sending or editing a message; starting a conversation. */
  private readonly sent: ChatGate;
  /** Messages sent within one millisecond keep the order this node took them in. */
  private readonly nextId = orderedIds();
  private readonly onUnreadable: NonNullable<ChatDeps['onUnreadable']>;
  private readonly started: ChatGate;

  constructor(d: ChatDeps) {
    ({ store: this.store, vault: this.vault, events: this.events, clock: this.clock } = d);
    this.onUnreadable = d.onUnreadable ?? (() => {});
    const window = (name: string, limit: number, windowMs: number) =>
      new ChatGate(d.limiters.window(name, { limit, windowMs }), d.enabled);
    this.sent = window('chat:send', d.options?.messagesPerMinute ?? 120, 60_000);
    this.started = window('chat:create', d.options?.conversationsPerHour ?? 60, 3_600_000);
  }

  async create(principal: UserPrincipal, input: CreateConversationRequest): Promise<ConversationView> {
    await this.mayWrite(principal, this.started, 'You have started too many conversations; try again later');
    const others = input.kind === 'direct' ? [input.userId] : [...new Set(input.memberIds)];
    const wanted = others.filter((id) => id !== principal.userId);
    if (input.kind === 'direct' && wanted.length === 0) {
      throw new AppError(400, 'validation_failed', 'A conversation needs someone else in it');
    }
    const people = await this.store.people(principal.organisationId, wanted);
    if (people.length !== wanted.length) throw personNotFound();
    const now = this.clock.now();
    const fresh = newId(now.getTime());
    const id = await this.store.create(
      {
        id: fresh,
        organisationId: principal.organisationId,
        kind: input.kind,
        name: input.kind === 'group' ? input.name : null,
        lastMessageAt: null,
        directPair: input.kind === 'direct' ? [principal.userId, input.userId].sort().join(' ') : null,
        createdBy: principal.userId,
        createdAt: now.toISOString(),
      },
      [principal.userId, ...wanted],
    );
    const view = await this.view(principal, id);
    // A new one (not the pair's existing one) shows on its members' open clients at once.
    if (id === fresh) {
      const notification = { type: 'chatConversation', conversation: view } as const;
      for (const m of view.members) this.events.publish('userNotified', m.id, notification);
    }
    return view;
  }

  /** The person's conversations (the LISTED most recently active), newest first, with unread counts. */
  async list(principal: UserPrincipal): Promise<ConversationListView> {
    authorize(principal, 'chat.use', ORGANISATION);
    const rows = await this.store.listFor(principal.userId, LISTED);
    const [members, unread, enabled] = await Promise.all([
      this.store.members(rows.map((r) => r.id)),
      this.store.unread(principal.userId),
      this.sent.enabled(principal.organisationId),
    ]);
    return {
      enabled,
      conversations: rows.map((r) => toView(r, members.get(r.id) ?? [], unread.get(r.id) ?? 0)),
    };
  }

  async view(principal: UserPrincipal, conversationId: string): Promise<ConversationView> {
    const row = await this.member(principal, conversationId);
    const [members, unread] = await Promise.all([
      this.store.members([row.id]),
      this.store.unread(principal.userId, row.id),
    ]);
    return toView(row, members.get(row.id) ?? [], unread.get(row.id) ?? 0);
  }

  async send(principal: UserPrincipal, conversationId: string, body: string): Promise<ChatMessageView> {
    await this.mayWrite(principal, this.sent, 'You are sending too many messages; wait a moment');
    const conversation = await this.member(principal, conversationId);
    const now = this.clock.now();
    const id = this.nextId(now.getTime());
    const sealed = await this.vault.seal(conversation.organisationId, body, messageContext(id));
    await this.store.addMessage({
      id,
      conversationId,
      authorId: principal.userId,
      body: sealed,
      createdAt: now.toISOString(),
    });
    // What one writes, one has read.
    await this.store.markRead(conversationId, principal.userId, id);
    const message = {
      id,
      conversationId,
      author: { id: principal.userId, name: principal.displayName },
      body,
      createdAt: now.toISOString(),
      editedAt: null,
    };
    await this.notify(message);
    return message;
  }

  /** A page of history, newest first, older than `before` (a message id) when given. */
  async history(
    principal: UserPrincipal,
    conversationId: string,
    before: string | null,
  ): Promise<ChatHistoryView> {
    const conversation = await this.member(principal, conversationId);
    const rows = await this.store.history(conversationId, before, HISTORY_PAGE + 1);
    const page = rows.slice(0, HISTORY_PAGE);
    const messages = await Promise.all(
      page.map((m) =>
        this.open(conversation, m).catch((err: unknown) => {
          // One bad row must not take the rest of the conversation with it.
          this.onUnreadable(err, `chat message ${m.id}`);
          return null;
        }),
      ),
    );
    return {
      messages: messages.filter((m): m is ChatMessageView => m !== null),
      more: rows.length > HISTORY_PAGE,
    };
  }

  /** Replaces the words of one's own message; another's, or a deleted one, is not found. */
  async edit(
    principal: UserPrincipal,
    conversationId: string,
    messageId: string,
    body: string,
  ): Promise<ChatMessageView> {
    await this.mayWrite(principal, this.sent, 'You are sending too many messages; wait a moment');
    const conversation = await this.member(principal, conversationId);
    const sealed = await this.vault.seal(conversation.organisationId, body, messageContext(messageId));
    const at = this.clock.now().toISOString();
    if (!(await this.store.rewrite(messageId, principal.userId, sealed, at))) throw messageNotFound();
    const row = await this.store.message(conversationId, messageId);
    if (!row) throw messageNotFound();
    const message = await this.open(conversation, row);
    await this.notify(message);
    return message;
  }

  /** Deletes one's own message: its words go from the database; its place stays. */
  async delete(principal: UserPrincipal, conversationId: string, messageId: string): Promise<void> {
    const conversation = await this.member(principal, conversationId);
    const at = this.clock.now().toISOString();
    if (!(await this.store.rewrite(messageId, principal.userId, null, at))) throw messageNotFound();
    const row = await this.store.message(conversationId, messageId);
    if (row) await this.notify(await this.open(conversation, row));
  }

  /** Marks the conversation read up to `messageId` (one of its messages). */
  async markRead(principal: UserPrincipal, conversationId: string, messageId: string): Promise<void> {
    await this.member(principal, conversationId);
    if (!(await this.store.message(conversationId, messageId))) throw messageNotFound();
    await this.store.markRead(conversationId, principal.userId, messageId);
    // The person's other clients (tabs, devices) count what is left as this one does.
    const unread = (await this.store.unread(principal.userId, conversationId)).get(conversationId) ?? 0;
    this.events.publish('userNotified', principal.userId, { type: 'chatRead', conversationId, unread });
  }

  /** Every open client of every member hears of it, on whichever node (cluster/ carries the event). */
  private async notify(message: ChatMessageView): Promise<void> {
    const members = (await this.store.members([message.conversationId])).get(message.conversationId) ?? [];
    // One object for everyone: the hub checks and serialises it once.
    const notification = { type: 'chatMessage', message } as const;
    for (const m of members) this.events.publish('userNotified', m.userId, notification);
  }

  /** Whether the person may write now. Deleting one's own words needs none of it: it only takes away. */
  private async mayWrite(principal: UserPrincipal, gate: ChatGate, tooMany: string): Promise<void> {
    authorize(principal, 'chat.use', ORGANISATION);
    await gate.pass(principal.organisationId, principal.userId, tooMany);
  }

  private async member(principal: UserPrincipal, conversationId: string): Promise<ConversationRow> {
    authorize(principal, 'chat.use', ORGANISATION);
    const row = await this.store.forMember(conversationId, principal.userId);
    // A conversation of another organisation, or one the person is not in, does not exist for them.
    if (!row || row.organisationId !== principal.organisationId) throw conversationNotFound();
    return row;
  }

  private async open(conversation: ConversationRow, m: MessageRow): Promise<ChatMessageView> {
    return {
      id: m.id,
      conversationId: m.conversationId,
      author: { id: m.authorId, name: m.authorName },
      body:
        m.body === null
          ? null
          : await this.vault.open(conversation.organisationId, m.body, messageContext(m.id)),
      createdAt: m.createdAt,
      editedAt: m.editedAt,
    };
  }
}

function toView(
  row: ConversationRow,
  members: { userId: string; name: string }[],
  unread: number,
): ConversationView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    members: members.map((m) => ({ id: m.userId, name: m.name })),
    unread,
    lastMessageAt: row.lastMessageAt,
  };
}
