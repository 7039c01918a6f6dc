import type {
  ChatMessageView,
  ConversationView,
  CreateConversationRequest,
  Notification,
} from '@conclave/protocol';
import { ConclaveError } from '../errors';
import { TypedEmitter } from '../events';
import { ChatApi } from './chat-api';
import type { ChatClientOptions, ChatEvents } from './chat-events';
import { NO_HISTORY, resynced, unreadAfter, withMessage, withPage, type ChatHistory } from './history';

/**
 * Chat between people of an organisation (CHAT-DIRECT) as one signed-in client sees it: the person's
 * conversations with their unread counts, the messages read of each, and live changes.
 *
 * It opens no socket of its own: whoever holds the person's notification socket (the web app holds
 * one per tab, for calls too) hands it every notification with `receive()`, and calls `refresh()`
 * when that socket opens again, since what came meanwhile was not delivered.
 *
 * Every state it exposes is an immutable snapshot, replaced on change and announced by an event.
 */
export class ChatClient extends TypedEmitter<ChatEvents> {
  private readonly api: ChatApi;
  private readonly self: string;
  private _enabled = true;
  private _conversations: readonly ConversationView[] = [];
  private readonly histories = new Map<string, ChatHistory>();
  /** Pages being read, so that asking twice reads once. */
  private readonly paging = new Map<string, Promise<void>>();
  private refreshing: Promise<void> | null = null;
  private nextRefresh: Promise<void> | null = null;
  /** Conversations being looked up after a message in one not listed yet. */
  private readonly lookups = new Map<string, Promise<ConversationView>>();

  constructor(options: ChatClientOptions) {
    super();
    this.self = options.userId;
    const fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.api = new ChatApi({ baseUrl: options.baseUrl ?? '', csrfToken: options.csrfToken, fetch: fetchFn });
  }

  /** Whether people may send (CHAT-TOGGLE); history stays readable either way. */
  get enabled(): boolean {
    return this._enabled;
  }

  /** The person's conversations, the most recently active first. */
  get conversations(): readonly ConversationView[] {
    return this._conversations;
  }

  get unreadTotal(): number {
    return this._conversations.reduce((sum, c) => sum + c.unread, 0);
  }

  /** What has been read of a conversation (nothing until `loadOlder` read its first page). */
  history(conversationId: string): ChatHistory {
    return this.histories.get(conversationId) ?? NO_HISTORY;
  }

  /**
   * Reads the list and whether chat is on, and each conversation's newest page again where pages were
   * read: at start, and whenever notifications may have been missed. One reading at a time: asked
   * while one is under way, it reads once more after it (that one may have been answered before
   * whatever prompted this), however often it was asked meanwhile.
   */
  refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.readAll().finally(() => (this.refreshing = null));
      return this.refreshing;
    }
    this.nextRefresh ??= this.refreshing
      .catch(() => undefined)
      .then(() => {
        this.nextRefresh = null;
        return this.refresh();
      });
    return this.nextRefresh;
  }

  private async readAll(): Promise<void> {
    const list = await this.api.list();
    this.setEnabled(list.enabled);
    this.setConversations(list.conversations);
    await Promise.all(
      [...this.histories.keys()].map(async (id) => {
        const page = await this.api.history(id, null);
        this.setHistory(id, resynced(this.history(id), page));
      }),
    );
  }

  /** The conversation with one other person: the existing one, or a new one. */
  startDirect(userId: string): Promise<ConversationView> {
    return this.start({ kind: 'direct', userId });
  }

  /** A new named group of the person and `memberIds`. */
  startGroup(name: string, memberIds: readonly string[]): Promise<ConversationView> {
    return this.start({ kind: 'group', name, memberIds: [...memberIds] });
  }

  /** One conversation as the server has it now (`not_found` when the person is not in it). */
  async fetchConversation(conversationId: string): Promise<ConversationView> {
    const view = await this.api.view(conversationId);
    this.putConversation(view);
    return view;
  }

  /** Reads the newest page of history the first time, then each time the next older one. */
  loadOlder(conversationId: string): Promise<void> {
    const pending = this.paging.get(conversationId);
    if (pending) return pending;
    const history = this.history(conversationId);
    if (history.loaded && !history.more) return Promise.resolve();
    const before = history.loaded ? (history.messages[0]?.id ?? null) : null;
    const read = this.api
      .history(conversationId, before)
      .then((page) => this.setHistory(conversationId, withPage(this.history(conversationId), page)))
      .finally(() => this.paging.delete(conversationId));
    this.paging.set(conversationId, read);
    return read;
  }

  async send(conversationId: string, body: string): Promise<ChatMessageView> {
    const message = await this.writing(this.api.send(conversationId, body));
    const history = withMessage(this.history(conversationId), message, true);
    this.setHistory(conversationId, history);
    // What one writes, one has read (the server marks it so).
    this.updateConversation(conversationId, true, (c) => ({
      ...c,
      lastMessageAt: message.createdAt,
      unread: unreadAfter(history, message.id, this.self),
    }));
    return message;
  }

  async edit(conversationId: string, messageId: string, body: string): Promise<ChatMessageView> {
    const message = await this.writing(this.api.edit(conversationId, messageId, body));
    this.setHistory(conversationId, withMessage(this.history(conversationId), message, false));
    return message;
  }

  /** Deletes one's own message; it stays in its place without its words. */
  async delete(conversationId: string, messageId: string): Promise<void> {
    await this.api.delete(conversationId, messageId);
    const old = this.history(conversationId).messages.find((m) => m.id === messageId);
    // Unless its notification came first: it brings the server's own time of it; until then, ours.
    if (old && old.body !== null) {
      const gone = { ...old, body: null, editedAt: new Date().toISOString() };
      this.setHistory(conversationId, withMessage(this.history(conversationId), gone, false));
    }
  }

  /** Marks the conversation read up to its newest message read here; nothing when none was. */
  async markRead(conversationId: string): Promise<void> {
    const newest = this.history(conversationId).messages.at(-1);
    if (!newest) return;
    await this.api.read(conversationId, newest.id);
    // Messages that came while the request was under way are still unread.
    const unread = unreadAfter(this.history(conversationId), newest.id, this.self);
    this.updateConversation(conversationId, false, (c) => ({ ...c, unread }));
  }

  /** One frame of the person's notification socket; anything but chat is ignored. */
  receive(notification: Notification): void {
    if (notification.type === 'chatConversation') {
      const { conversation } = notification;
      if (!this._conversations.some((c) => c.id === conversation.id)) this.putConversation(conversation);
      return;
    }
    if (notification.type === 'chatRead') {
      // Read on another of this person's clients: the server's count of what is left.
      const { conversationId, unread } = notification;
      this.updateConversation(conversationId, false, (c) => ({ ...c, unread }));
      return;
    }
    if (notification.type !== 'chatMessage') return;
    const { message } = notification;
    const id = message.conversationId;
    if (message.body === null) {
      this.setHistory(id, withMessage(this.history(id), message, false));
      // Deleted messages do not count as unread: the server says how many are left.
      const listed = this._conversations.find((c) => c.id === id);
      if (message.author.id !== this.self && listed && listed.unread > 0) {
        void this.fetchConversation(id).catch(() => undefined);
      }
      this.emit('messageDeleted', message);
    } else if (message.editedAt !== null) {
      this.setHistory(id, withMessage(this.history(id), message, false));
      this.emit('messageEdited', message);
    } else {
      this.setHistory(id, withMessage(this.history(id), message, true));
      const mine = message.author.id === this.self;
      const listed = this.updateConversation(id, true, (c) => ({
        ...c,
        lastMessageAt: message.createdAt,
        unread: c.unread + (mine ? 0 : 1),
      }));
      // A conversation someone just started with this person: the server's view counts this message.
      if (!listed) void this.lookUp(id).catch(() => undefined);
      this.emit('message', message);
    }
  }

  private async start(input: CreateConversationRequest): Promise<ConversationView> {
    const view = await this.writing(this.api.create(input));
    this.putConversation(view);
    return view;
  }

  /** A failed write that the server refused because chat is off also tells this client so. */
  private async writing<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (err) {
      if (err instanceof ConclaveError && err.code === 'chat_disabled') this.setEnabled(false);
      throw err;
    }
  }

  private lookUp(conversationId: string): Promise<ConversationView> {
    let lookup = this.lookups.get(conversationId);
    if (!lookup) {
      lookup = this.fetchConversation(conversationId).finally(() => this.lookups.delete(conversationId));
      this.lookups.set(conversationId, lookup);
    }
    return lookup;
  }

  /** Takes the server's view of a conversation: in its place when listed, else first. */
  private putConversation(view: ConversationView): void {
    if (!this.updateConversation(view.id, false, () => view)) {
      this.setConversations([view, ...this._conversations]);
    }
  }

  /** Changes one listed conversation (first in the list when `toFront`); false when it is not listed. */
  private updateConversation(
    id: string,
    toFront: boolean,
    change: (c: ConversationView) => ConversationView,
  ): boolean {
    const old = this._conversations.find((c) => c.id === id);
    if (old === undefined) return false;
    const next = change(old);
    this.setConversations(
      toFront
        ? [next, ...this._conversations.filter((c) => c !== old)]
        : this._conversations.map((c) => (c === old ? next : c)),
    );
    return true;
  }

  private setConversations(conversations: readonly ConversationView[]): void {
    const total = this.unreadTotal;
    this._conversations = conversations;
    this.emit('conversationsChanged', conversations);
    if (this.unreadTotal !== total) this.emit('unreadChanged', this.unreadTotal);
  }

  private setHistory(conversationId: string, history: ChatHistory): void {
    if (history === this.history(conversationId)) return;
    this.histories.set(conversationId, history);
    this.emit('historyChanged', conversationId, history);
  }

  private setEnabled(enabled: boolean): void {
    if (enabled === this._enabled) return;
    this._enabled = enabled;
    this.emit('enabledChanged', enabled);
  }
}
