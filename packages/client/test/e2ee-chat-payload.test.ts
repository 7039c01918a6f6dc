/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeChatPayload, encodeChatPayload } from '../src/e2ee/chat-payload';

test('E2EE-CHAT: a chat payload carries the words; what the server cannot check, every reader holds to the one text rule', () => {
  assert.equal(decodeChatPayload(encodeChatPayload('Line one\nLine two')), 'Line one\nLine two');
  const raw = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  assert.equal(
    decodeChatPayload(raw({ v: 1, chat: '  spaced  ' })),
    'spaced',
    'normalised as the server would',
  );
  assert.equal(decodeChatPayload(raw({ v: 1, chat: '' })), null, 'empty');
  assert.equal(decodeChatPayload(raw({ v: 1, chat: 'x'.repeat(4001) })), null, 'too long');
  assert.equal(decodeChatPayload(raw({ v: 1, chat: 'bell\u0007' })), null, 'a control character');
  assert.equal(decodeChatPayload(raw({ v: 2, chat: 'future' })), null, 'another version');
  assert.equal(decodeChatPayload(raw('just a string')), null);
  assert.equal(decodeChatPayload(new Uint8Array([0xff, 0xfe])), null, 'not UTF-8');
});
