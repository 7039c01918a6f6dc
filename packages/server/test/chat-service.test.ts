import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { chatMessageRequestSchema, type ConversationView } from '@conclave/protocol';
import { DataKeys, Vault } from '../src/at-rest';
import { masterKey } from '../src/at-rest/master-keys';
import { AccountStore } from '../src/auth';
import { ChatService, ChatStore, type ChatOptions } from '../src/chat';
import { ManualClock } from '../src/common/clock';
import { memoryLimiters } from '../src/common/rate-limit';
import { AppError } from '../src/common/errors';
import { newId } from '../src/common/ids';
import { DomainEvents, type UserPrincipal } from '../src/domain';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const notFound = (code: string) => (err: unknown) =>
  err instanceof AppError && err.statusCode === 404 && err.code === code;

describeEachDatabase('chat conversations', (kind) => {
  let database: TestDatabase;
  let chat: ChatService;
  const clock = new ManualClock();
  const orgA = newId();
  const orgB = newId();
  const person = (name: string, organisationId = orgA): UserPrincipal => ({
    kind: 'user',
    userId: newId(),
    organisationId,
    displayName: name,
    role: 'user',
    sessionId: newId(),
  });
  const ada = person('Ada');
  const bob = person('Bob');
  const cleo = person('Cleo');
  const eve = person('Eve', orgB);
  // One master key for every service here: the organisations' data keys are wrapped with it.
  const master = { current: masterKey(randomBytes(32)), previous: [] };
  const deps = () => ({
    store: new ChatStore(database.db),
    vault: new Vault(new DataKeys(database.db, master, clock)),
    events: new DomainEvents(),
    clock,
    limiters: memoryLimiters(clock),
    enabled: () => Promise.resolve(true),
  });
  const service = (options?: ChatOptions) => new ChatService({ ...deps(), ...(options && { options }) });

  before(async () => {
    database = await createTestDatabase(kind);
    const accounts = new AccountStore(database.db);
    const at = clock.now().toISOString();
    await accounts.createOrganisation({ id: orgA, name: 'A', createdAt: at });
    await accounts.createOrganisation({ id: orgB, name: 'B', createdAt: at });
    for (const p of [ada, bob, cleo, eve]) {
      await accounts.createUser({
        id: p.userId,
        organisationId: p.organisationId,
        email: `${p.displayName.toLowerCase()}@${p.organisationId}.test`,
        displayName: p.displayName,
        role: 'user',
        passwordHash: null,
        createdAt: at,
      });
    }
    chat = service();
  });
  after(async () => {
    await database?.close();
  });

  const tick = () => clock.advance(1_000);

  test('CHAT-DIRECT: two people have one direct conversation, whoever starts it, even both at once', async () => {
    const [a, b] = await Promise.all([
      chat.create(ada, { kind: 'direct', userId: bob.userId }),
      chat.create(bob, { kind: 'direct', userId: ada.userId }),
    ]);
    assert.equal(a.id, b.id);
    assert.deepEqual(a.members.map((m) => m.name).sort(), ['Ada', 'Bob']);
    assert.equal((await chat.create(ada, { kind: 'direct', userId: bob.userId })).id, a.id);
  });

  test('CHAT-DIRECT: only members read or write a conversation; to anyone else, in or out of the organisation, it does not exist', async () => {
    const { id } = await chat.create(ada, { kind: 'direct', userId: bob.userId });
    for (const outsider of [cleo, eve]) {
      await assert.rejects(chat.history(outsider, id, null), notFound('not_found'));
      await assert.rejects(chat.send(outsider, id, 'hi'), notFound('not_found'));
      await assert.rejects(chat.view(outsider, id), notFound('not_found'));
      assert.ok(!(await chat.list(outsider)).conversations.some((c) => c.id === id));
    }
    await assert.rejects(
      chat.create(ada, { kind: 'direct', userId: eve.userId }),
      notFound('user_not_found'),
      'nobody of another organisation',
    );
    await assert.rejects(
      chat.create(ada, { kind: 'group', name: 'Mixed', memberIds: [bob.userId, eve.userId] }),
      notFound('user_not_found'),
    );
    await assert.rejects(chat.create(ada, { kind: 'direct', userId: ada.userId }), /someone else/);
  });

  test('CHAT-DIRECT: a group has a name and its members; unread counts are per person and end when read', async () => {
    const group = await chat.create(ada, {
      kind: 'group',
      name: 'Launch',
      memberIds: [bob.userId, cleo.userId, bob.userId],
    });
    assert.equal(group.name, 'Launch');
    assert.equal(group.members.length, 3);
    tick();
    await chat.send(ada, group.id, 'Kick-off at ten');
    tick();
    const second = await chat.send(cleo, group.id, 'See you there');
    const unreadOf = async (p: UserPrincipal) =>
      (await chat.list(p)).conversations.find((c: ConversationView) => c.id === group.id)?.unread;
    assert.equal(await unreadOf(bob), 2);
    assert.equal(await unreadOf(ada), 1, 'her own message is not unread');
    assert.equal(await unreadOf(cleo), 0);
    await chat.markRead(bob, group.id, second.id);
    assert.equal(await unreadOf(bob), 0);
    assert.equal((await chat.list(bob)).conversations[0]?.id, group.id, 'the most recently active first');
  });

  test('CHAT-DIRECT: the list is bounded: the most recently active conversations, by their last message or else their start', async () => {
    const dan = person('Dan');
    await new AccountStore(database.db).createUser({
      id: dan.userId,
      organisationId: orgA,
      email: 'dan@a.test',
      displayName: 'Dan',
      role: 'user',
      passwordHash: null,
      createdAt: clock.now().toISOString(),
    });
    tick();
    const quiet = await chat.create(dan, { kind: 'group', name: 'Quiet', memberIds: [ada.userId] });
    tick();
    const talked = await chat.create(dan, { kind: 'group', name: 'Talked', memberIds: [ada.userId] });
    tick();
    const fresh = await chat.create(dan, { kind: 'group', name: 'Fresh', memberIds: [ada.userId] });
    tick();
    await chat.send(dan, talked.id, 'Latest words');
    const store = new ChatStore(database.db);
    assert.deepEqual(
      (await store.listFor(dan.userId, 2)).map((c) => c.name),
      ['Talked', 'Fresh'],
      'the oldest quiet one is past the limit',
    );
    assert.equal((await chat.view(dan, quiet.id)).name, 'Quiet', 'still reachable by its id');
    assert.deepEqual(
      (await chat.list(dan)).conversations.map((c) => c.id),
      [talked.id, fresh.id, quiet.id],
    );
  });

  test('CHAT-DIRECT: history comes newest first in pages; edits and deletes are the author’s only', async () => {
    const { id } = await chat.create(bob, { kind: 'group', name: 'Paging', memberIds: [cleo.userId] });
    const sent = [];
    for (let i = 1; i <= 55; i++) {
      tick();
      sent.push(await chat.send(i % 2 ? bob : cleo, id, `message ${i}`));
    }
    const first = await chat.history(cleo, id, null);
    assert.equal(first.messages.length, 50);
    assert.equal(first.more, true);
    assert.equal(first.messages[0]?.body, 'message 55');
    const rest = await chat.history(cleo, id, first.messages.at(-1)!.id);
    assert.deepEqual(
      rest.messages.map((m) => m.body),
      ['message 5', 'message 4', 'message 3', 'message 2', 'message 1'],
    );
    assert.equal(rest.more, false);

    const own = sent[0]!;
    await assert.rejects(chat.edit(cleo, id, own.id, 'hijacked'), notFound('not_found'), "another's message");
    tick();
    const edited = await chat.edit(bob, id, own.id, 'message 1, corrected');
    assert.equal(edited.body, 'message 1, corrected');
    assert.ok(edited.editedAt);
    await assert.rejects(chat.delete(cleo, id, own.id), notFound('not_found'));
    await chat.delete(bob, id, own.id);
    const oldest = (await chat.history(cleo, id, rest.messages.at(-2)!.id)).messages;
    assert.deepEqual(
      oldest.map((m) => m.body),
      [null],
      'the deleted message keeps its place, not its words',
    );
    const row = await database.db
      .selectFrom('chat_messages')
      .select('body')
      .where('id', '=', own.id)
      .executeTakeFirst();
    assert.equal(row?.body, null, 'gone from the database');
    await assert.rejects(
      chat.edit(bob, id, own.id, 'back'),
      notFound('not_found'),
      'a deleted message stays deleted',
    );
  });

  test('CHAT-AT-REST: a database dump holds no message body, and a body moved to another row does not open: that message is left out, the rest stays readable', async () => {
    const { id } = await chat.create(ada, { kind: 'direct', userId: cleo.userId });
    const words = chatMessageRequestSchema.parse({ body: 'The merger closes on Friday' }).body;
    tick();
    const first = await chat.send(ada, id, words);
    tick();
    const second = await chat.send(ada, id, 'Another message');
    const dump = JSON.stringify(await database.db.selectFrom('chat_messages').selectAll().execute());
    assert.ok(!dump.includes('merger') && !dump.includes(Buffer.from(words).toString('base64').slice(0, 16)));
    // Someone with write access to the database copies one sealed body over another.
    const sealed = await database.db
      .selectFrom('chat_messages')
      .select('body')
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    await database.db
      .updateTable('chat_messages')
      .set({ body: sealed.body })
      .where('id', '=', second.id)
      .execute();
    const unreadable: string[] = [];
    const reading = new ChatService({ ...deps(), onUnreadable: (_err, what) => unreadable.push(what) });
    const history = await reading.history(cleo, id, null);
    assert.deepEqual(
      history.messages.map((m) => m.id),
      [first.id],
      'the moved body does not open: that message is left out, the rest of the history stays',
    );
    assert.deepEqual(unreadable, [`chat message ${second.id}`]);
  });

  test('CHAT-DIRECT: one person’s messages and new conversations are limited, counted before anything is stored', async () => {
    const limited = service({ messagesPerMinute: 3, conversationsPerHour: 1 });
    const { id } = await limited.create(cleo, { kind: 'group', name: 'Limits', memberIds: [bob.userId] });
    await assert.rejects(
      limited.create(cleo, { kind: 'group', name: 'Another', memberIds: [bob.userId] }),
      (err) => err instanceof AppError && err.statusCode === 429,
    );
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((i) => limited.send(cleo, id, `burst ${i}`)),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3, 'parallel sends are bounded too');
    assert.equal((await limited.history(bob, id, null)).messages.length, 3, 'nothing stored past the limit');
    clock.advance(60_000);
    await limited.send(cleo, id, 'a minute later');
  });
});
