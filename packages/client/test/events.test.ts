/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TypedEmitter } from '../src/events';

interface Events {
  joined: [name: string, count: number];
  left: [];
}

test('listeners receive the emitted arguments and can be removed', () => {
  const emitter = new TypedEmitter<Events>();
  const seen: string[] = [];
  const off = emitter.on('joined', (name, count) => seen.push(`${name}:${count}`));
  emitter.emit('joined', 'Ada', 1);
  off();
  emitter.emit('joined', 'Bob', 2);
  assert.deepEqual(seen, ['Ada:1']);
  assert.equal(emitter.listenerCount('joined'), 0);
});

test('once listeners run a single time', () => {
  const emitter = new TypedEmitter<Events>();
  let calls = 0;
  emitter.once('left', () => calls++);
  emitter.emit('left');
  emitter.emit('left');
  assert.equal(calls, 1);
});

test('a throwing listener does not stop the others and is rethrown asynchronously', () => {
  const emitter = new TypedEmitter<Events>();
  const seen: string[] = [];
  emitter.on('left', () => {
    throw new Error('listener bug');
  });
  emitter.on('left', () => seen.push('second'));
  const deferred: (() => void)[] = [];
  const original = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (task) => deferred.push(task);
  try {
    emitter.emit('left');
  } finally {
    globalThis.queueMicrotask = original;
  }
  assert.deepEqual(seen, ['second']);
  assert.equal(deferred.length, 1);
  assert.throws(() => deferred[0]?.(), /listener bug/);
});

test('removing a listener while emitting does not skip the next one', () => {
  const emitter = new TypedEmitter<Events>();
  const seen: number[] = [];
  const offFirst = emitter.on('left', () => {
    seen.push(1);
    offFirst();
  });
  emitter.on('left', () => seen.push(2));
  emitter.emit('left');
  emitter.emit('left');
  assert.deepEqual(seen, [1, 2, 2]);
});
