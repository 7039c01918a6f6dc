/// <reference types="node" />
// E2EE-CODEWORD, the page's side: Codewords come from a worker of their own, and from the page's
// thread when that worker cannot run, the same words either way (a stand-in for Worker).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { codewordOf } from '@conclave/e2ee';
import { codewordInBackground } from '../src/e2ee/codewords';

type Mode = 'answer' | 'fail to load';

class FakeWorker {
  static mode: Mode = 'answer';
  static made = 0;
  static asked = 0;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message: string }) => void) | null = null;

  constructor() {
    FakeWorker.made++;
  }
  postMessage(message: { id: number; identityKey: Uint8Array }): void {
    FakeWorker.asked++;
    setTimeout(() => {
      if (FakeWorker.mode === 'fail to load') {
        this.onerror?.({ message: 'failed to load' });
        return;
      }
      void codewordOf(message.identityKey).then((codeword) =>
        this.onmessage?.({ data: { id: message.id, codeword } }),
      );
    }, 1);
  }
  terminate(): void {}
}

const globals = globalThis as Record<string, unknown>;
let saved: unknown;

async function identityKey(): Promise<Uint8Array> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  return new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
}

before(() => {
  saved = globals.Worker;
  globals.Worker = FakeWorker;
});
after(() => {
  globals.Worker = saved;
});

test('E2EE-CODEWORD: Codewords are derived in a worker; when it cannot run, on the page’s thread, with the same words', async () => {
  const key = await identityKey();
  const expected = await codewordOf(key);

  assert.deepEqual(await codewordInBackground(key), expected);
  assert.equal(FakeWorker.made, 1);
  assert.equal(FakeWorker.asked, 1, 'the worker derived it');

  FakeWorker.mode = 'fail to load';
  const other = await identityKey();
  // A new worker is started for it (the first one stopped when it failed, or is still idle) …
  assert.deepEqual(await codewordInBackground(other), await codewordOf(other));
  const asked = FakeWorker.asked;
  // … and once one has failed, the page derives them itself.
  assert.deepEqual(await codewordInBackground(key), expected);
  assert.equal(FakeWorker.asked, asked, 'no worker asked after it failed');
});
