/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settledWithin } from '../src/wait';

test('settledWithin resolves as soon as the promise resolves, long before the limit', async () => {
  const started = performance.now();
  await settledWithin(new Promise((r) => setTimeout(r, 5)), 5_000);
  assert.ok(performance.now() - started < 1_000);
});

test('settledWithin resolves (never rejects) when the promise rejects', async () => {
  await settledWithin(Promise.reject(new Error('refused')), 5_000);
});

test('settledWithin resolves at the limit when the promise never settles', async () => {
  const started = performance.now();
  await settledWithin(new Promise(() => {}), 30);
  assert.ok(performance.now() - started >= 25);
});
