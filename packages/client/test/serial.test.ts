/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialQueue } from '../src/serial';

test('tasks run one at a time in order, even when an earlier one is slower', async () => {
  const queue = new SerialQueue();
  const log: string[] = [];
  const slow = queue.run(async () => {
    log.push('slow start');
    await new Promise((r) => setTimeout(r, 20));
    log.push('slow end');
  });
  const fast = queue.run(() => {
    log.push('fast');
  });
  await Promise.all([slow, fast]);
  assert.deepEqual(log, ['slow start', 'slow end', 'fast']);
});

test('a failing task rejects its own promise but not the next task', async () => {
  const queue = new SerialQueue();
  const failed = queue.run(() => Promise.reject(new Error('boom')));
  const next = queue.run(() => 'ok');
  await assert.rejects(failed, /boom/);
  assert.equal(await next, 'ok');
});
