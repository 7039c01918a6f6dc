/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MeetingChatLine } from '@conclave/protocol';
import { ConclaveError, type ConclaveErrorCode } from '../src/errors';
import { MeetingChat } from '../src/meeting-chat';

const line = (id: string, participantId: string, body: string, second = 0): MeetingChatLine => ({
  id,
  participantId,
  displayName: participantId.toUpperCase(),
  body,
  sentAt: new Date(Date.UTC(2026, 0, 1, 9, 0, second)).toISOString(),
});

/** A chat whose room is a fake: this client is `me`, Ann is in the meeting; sending records or refuses. */
function chat(options: { encrypted?: boolean; ready?: boolean; refuse?: ConclaveErrorCode } = {}) {
  const sent: string[] = [];
  const state = { ready: options.ready ?? true };
  const c = new MeetingChat({
    send: async (body) => {
      if (options.refuse) throw new ConclaveError(options.refuse, 'refused');
      sent.push(body);
    },
    ownId: () => 'me',
    nameOf: (id) => ({ me: 'Me', ann: 'Ann' })[id] ?? null,
    encryption: () => ({ encrypted: options.encrypted ?? false, ready: state.ready }),
  });
  let changes = 0;
  c.on('messagesChanged', () => changes++);
  return { c, sent, state, changes: () => changes };
}

const bodies = (c: MeetingChat) => c.messages.map((m) => m.body);

test('CHAT-MEETING: history and live lines merge once each, in the server’s order; only others’ count as unread until read', () => {
  const { c, changes } = chat();
  c.received({ kind: 'line', line: line('3', 'ann', 'third', 3) });
  c.received({
    kind: 'history',
    enabled: true,
    lines: [line('1', 'ann', 'first', 1), line('2', 'me', 'mine', 2), line('3', 'ann', 'third', 3)],
  });
  assert.deepEqual(bodies(c), ['first', 'mine', 'third']);
  assert.equal(c.unread, 2, 'my own message is not unread');
  assert.equal(c.messages[1]!.own, true);
  c.received({ kind: 'line', line: line('3', 'ann', 'third', 3) });
  assert.equal(c.messages.length, 3, 'a line seen already is not added again');
  c.markRead();
  assert.equal(c.unread, 0);
  c.received({ kind: 'line', line: line('4', 'ann', 'fourth', 4) });
  assert.equal(c.unread, 1);
  assert.equal(changes(), 4);
});

test('CHAT-MEETING: sending applies the one text rule before anything goes out; without E2EE the server’s echo is what shows', async () => {
  const { c, sent } = chat();
  await assert.rejects(c.send('   '), (err: ConclaveError) => err.code === 'validation_failed');
  await assert.rejects(c.send('x'.repeat(4001)), (err: ConclaveError) => err.code === 'validation_failed');
  await c.send('  Hello  ');
  assert.deepEqual(sent, ['Hello']);
  assert.deepEqual(bodies(c), [], 'shown when the server tells everyone, the sender too');
});

test('CHAT-TOGGLE: a refusal with chat_disabled turns the chat off; the next history turns it on again', async () => {
  const { c } = chat({ refuse: 'chat_disabled' });
  const seen: boolean[] = [];
  c.on('enabledChanged', (enabled) => seen.push(enabled));
  await assert.rejects(c.send('Hello'), (err: ConclaveError) => err.code === 'chat_disabled');
  assert.equal(c.enabled, false);
  assert.equal(c.canSend, false);
  c.received({ kind: 'history', enabled: true, lines: [] });
  assert.deepEqual(seen, [false, true]);
  assert.equal(c.canSend, true);
});

test('E2EE-CHAT: sending waits for the group’s keys; one’s own message shows once sent, others’ are named from the roster', async () => {
  const { c, sent, state } = chat({ encrypted: true, ready: false });
  assert.equal(c.encrypted, true);
  assert.equal(c.canSend, false);
  await assert.rejects(c.send('Too early'), (err: ConclaveError) => err.code === 'invalid_state');
  assert.deepEqual(sent, []);
  state.ready = true;
  await c.send('Now');
  assert.deepEqual(bodies(c), ['Now']);
  assert.equal(c.messages[0]!.own, true);
  assert.equal(c.unread, 0);
  c.received({
    kind: 'sealed',
    line: { id: 'x1', participantId: 'ann', body: 'Hi', sentAt: line('', '', '').sentAt },
  });
  c.received({
    kind: 'sealed',
    line: { id: 'x2', participantId: 'gone', body: 'Bye', sentAt: line('', '', '').sentAt },
  });
  assert.deepEqual(
    c.messages.map((m) => m.displayName),
    ['Me', 'Ann', 'Someone who left'],
  );
  assert.equal(c.unread, 2);
});
