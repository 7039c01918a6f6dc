import type { Kysely } from 'kysely';
import type { Database } from '../db';

export interface ConversationRow {
  id: string;
  organisationId: string;
  kind: 'direct' | 'group';
  name: string | null;
  lastMessageAt: string | null;
}

export interface MemberRow {
  userId: string;
  name: string;
}

export interface MessageRow {
  id: string;
  conversationId: string;
  authorId: string;
  authorName: string;
  /** Sealed (at-rest/vault.ts); null once deleted. */
  body: string | null;
  createdAt: string;
  editedAt: string | null;
}

/** The chat tables (CHAT-DIRECT); bodies arrive and leave sealed: this store never sees a word. */
export class ChatStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Makes a conversation with its members, in one transaction. A direct one names its pair: when the
   * pair has one already (made meanwhile by the other person, too), that one is returned instead.
   */
  async create(
    conversation: ConversationRow & { directPair: string | null; createdBy: string; createdAt: string },
    memberIds: readonly string[],
  ): Promise<string> {
    return this.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('conversations')
        .values({
          id: conversation.id,
          organisation_id: conversation.organisationId,
          kind: conversation.kind,
          name: conversation.name,
          direct_pair: conversation.directPair,
          created_by: conversation.createdBy,
          created_at: conversation.createdAt,
          last_message_at: null,
        })
        .onConflict((c) => c.column('direct_pair').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) {
        const existing = await tx
          .selectFrom('conversations')
          .select('id')
          .where('direct_pair', '=', conversation.directPair)
          .executeTakeFirstOrThrow();
        return existing.id;
      }
      await tx
        .insertInto('conversation_members')
        .values(
          memberIds.map((userId) => ({
            conversation_id: conversation.id,
            user_id: userId,
            joined_at: conversation.createdAt,
            read_up_to: null,
          })),
        )
        .execute();
      return conversation.id;
    });
  }

  /** Of `ids`, the people of the organisation who may chat (not revoked), with their names. */
  async people(organisationId: string, ids: readonly string[]): Promise<MemberRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', ids)
      .where('revoked_at', 'is', null)
      .execute();
    return rows.map((r) => ({ userId: r.id, name: r.display_name }));
  }

  /** The conversation if `userId` is in it; null otherwise (whether or not it exists). */
  async forMember(conversationId: string, userId: string): Promise<ConversationRow | null> {
    const row = await this.db
      .selectFrom('conversations as c')
      .innerJoin('conversation_members as m', 'm.conversation_id', 'c.id')
      .select(['c.id', 'c.organisation_id', 'c.kind', 'c.name', 'c.last_message_at'])
      .where('c.id', '=', conversationId)
      .where('m.user_id', '=', userId)
      .executeTakeFirst();
    return row ? toConversation(row) : null;
  }

  /** The user's `limit` most recently active conversations (by their last message, else their start), newest first. */
  async listFor(userId: string, limit: number): Promise<ConversationRow[]> {
    const rows = await this.db
      .selectFrom('conversations as c')
      .innerJoin('conversation_members as m', 'm.conversation_id', 'c.id')
      .select(['c.id', 'c.organisation_id', 'c.kind', 'c.name', 'c.last_message_at'])
      .where('m.user_id', '=', userId)
      .orderBy((eb) => eb.fn.coalesce('c.last_message_at', 'c.created_at'), 'desc')
      .orderBy('c.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toConversation);
  }

  async members(conversationIds: readonly string[]): Promise<Map<string, MemberRow[]>> {
    const byConversation = new Map<string, MemberRow[]>(conversationIds.map((id) => [id, []]));
    if (conversationIds.length === 0) return byConversation;
    const rows = await this.db
      .selectFrom('conversation_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.conversation_id', 'u.id', 'u.display_name'])
      .where('m.conversation_id', 'in', conversationIds)
      .orderBy('m.joined_at')
      .orderBy('u.id')
      .execute();
    for (const r of rows) byConversation.get(r.conversation_id)?.push({ userId: r.id, name: r.display_name });
    return byConversation;
  }

  /** Messages from others after what the user last read, per conversation; deleted ones do not count. */
  async unread(userId: string, conversationId?: string): Promise<Map<string, number>> {
    let query = this.db
      .selectFrom('conversation_members as m')
      .innerJoin('chat_messages as x', 'x.conversation_id', 'm.conversation_id')
      .select(['m.conversation_id', (eb) => eb.fn.countAll<string | number>().as('count')])
      .where('m.user_id', '=', userId)
      .where('x.author_id', '!=', userId)
      .where('x.body', 'is not', null)
      .where((eb) => eb.or([eb('m.read_up_to', 'is', null), eb('x.id', '>', eb.ref('m.read_up_to'))]));
    if (conversationId !== undefined) query = query.where('m.conversation_id', '=', conversationId);
    const rows = await query.groupBy('m.conversation_id').execute();
    return new Map(rows.map((r) => [r.conversation_id, Number(r.count)]));
  }

  async addMessage(message: Omit<MessageRow, 'authorName' | 'editedAt'>): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('chat_messages')
        .values({
          id: message.id,
          conversation_id: message.conversationId,
          author_id: message.authorId,
          body: message.body,
          created_at: message.createdAt,
          edited_at: null,
        })
        .execute();
      await tx
        .updateTable('conversations')
        .set({ last_message_at: message.createdAt })
        .where('id', '=', message.conversationId)
        .execute();
    });
  }

  async message(conversationId: string, messageId: string): Promise<MessageRow | null> {
    const row = await this.messages()
      .where('x.conversation_id', '=', conversationId)
      .where('x.id', '=', messageId)
      .executeTakeFirst();
    return row ? toMessage(row) : null;
  }

  /** Up to `limit` messages older than `before` (or the newest), newest first. */
  async history(conversationId: string, before: string | null, limit: number): Promise<MessageRow[]> {
    let query = this.messages().where('x.conversation_id', '=', conversationId);
    if (before !== null) query = query.where('x.id', '<', before);
    const rows = await query.orderBy('x.id', 'desc').limit(limit).execute();
    return rows.map(toMessage);
  }

  /** Replaces the author's own message body (sealed, or null to delete it); false if it is not theirs. */
  async rewrite(messageId: string, authorId: string, body: string | null, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('chat_messages')
      .set({ body, edited_at: at })
      .where('id', '=', messageId)
      .where('author_id', '=', authorId)
      .where('body', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Read up to `messageId`; never backwards. */
  async markRead(conversationId: string, userId: string, messageId: string): Promise<void> {
    await this.db
      .updateTable('conversation_members')
      .set({ read_up_to: messageId })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('read_up_to', 'is', null), eb('read_up_to', '<', messageId)]))
      .execute();
  }

  private messages() {
    return this.db
      .selectFrom('chat_messages as x')
      .innerJoin('users as u', 'u.id', 'x.author_id')
      .select([
        'x.id',
        'x.conversation_id',
        'x.author_id',
        'u.display_name',
        'x.body',
        'x.created_at',
        'x.edited_at',
      ]);
  }
}

function toConversation(r: {
  id: string;
  organisation_id: string;
  kind: 'direct' | 'group';
  name: string | null;
  last_message_at: string | null;
}): ConversationRow {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    kind: r.kind,
    name: r.name,
    lastMessageAt: r.last_message_at,
  };
}

function toMessage(r: {
  id: string;
  conversation_id: string;
  author_id: string;
  display_name: string;
  body: string | null;
  created_at: string;
  edited_at: string | null;
}): MessageRow {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    authorId: r.author_id,
    authorName: r.display_name,
    body: r.body,
    createdAt: r.created_at,
    editedAt: r.edited_at,
  };
}
