import { codewordOf, type Codeword } from '@conclave/e2ee';
import type { FromCodewordWorker, ToCodewordWorker } from './codeword.worker';

/** A worker with nothing to derive for this long goes (with the Argon2id memory it holds). */
const IDLE_MS = 30_000;

/**
 * Derives Codewords in a worker of their own. Each is ~50 ms of Argon2id; on the page's thread
 * they held up the join's MLS steps and connection setup (the E2EE join benchmark measured 2.8×
 * plain with them there, 1.3× without). Where there are no workers (Node), or the worker failed
 * (its script would not load), they are derived here: late rather than missing.
 */
class CodewordDeriver {
  private worker: Worker | null = null;
  private broken = false;
  private nextId = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;
  private readonly waiting = new Map<
    number,
    { resolve: (codeword: Codeword) => void; reject: (error: Error) => void }
  >();

  derive(identityKey: Uint8Array): Promise<Codeword> {
    if (typeof Worker === 'undefined' || this.broken) return codewordOf(identityKey);
    return this.inWorker(identityKey).catch((err: unknown) =>
      this.broken ? codewordOf(identityKey) : Promise.reject(err),
    );
  }

  private inWorker(identityKey: Uint8Array): Promise<Codeword> {
    const worker = this.start();
    clearTimeout(this.idle);
    const id = ++this.nextId;
    return new Promise<Codeword>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, identityKey: identityKey.slice() } satisfies ToCodewordWorker);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./codeword.worker.ts', import.meta.url), {
      type: 'module',
      name: 'conclave-codewords',
    });
    worker.onmessage = ({ data }: MessageEvent<FromCodewordWorker>) => {
      const waiter = this.waiting.get(data.id);
      if (!waiter) return;
      this.waiting.delete(data.id);
      if ('codeword' in data) waiter.resolve(data.codeword);
      else waiter.reject(new Error(data.error));
      if (this.waiting.size === 0) this.idle = setTimeout(() => this.stop(), IDLE_MS);
    };
    // The script failed to load or died: whatever it was deriving will not come from it.
    worker.onerror = (event) => {
      this.broken = true;
      this.stop(new Error(`Codeword worker: ${event.message}`));
    };
    this.worker = worker;
    return worker;
  }

  private stop(error = new Error('Codeword worker stopped')): void {
    clearTimeout(this.idle);
    this.worker?.terminate();
    this.worker = null;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

const deriver = new CodewordDeriver();

/** The Codeword of a raw P-256 identity public key, derived off the page's thread. */
export function codewordInBackground(identityKey: Uint8Array): Promise<Codeword> {
  return deriver.derive(identityKey);
}
