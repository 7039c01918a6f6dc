/**
 * The Codewords' worker (codewords.ts starts it): derives them with the same code as everywhere
 * else, one after another (codewordOf queues its Argon2id evaluations and remembers results).
 */
import { codewordOf, type Codeword } from '@conclave/e2ee';

export interface ToCodewordWorker {
  id: number;
  identityKey: Uint8Array;
}

export type FromCodewordWorker = { id: number; codeword: Codeword } | { id: number; error: string };

addEventListener('message', (event: MessageEvent<ToCodewordWorker>) => {
  const { id, identityKey } = event.data;
  codewordOf(identityKey).then(
    (codeword) => postMessage({ id, codeword } satisfies FromCodewordWorker),
    (err: unknown) =>
      postMessage({
        id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies FromCodewordWorker),
  );
});
