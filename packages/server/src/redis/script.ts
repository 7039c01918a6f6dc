import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script, run atomically by Redis: no other client's command runs between its reads and its
 * writes, which is what makes check-and-count safe across nodes. Sent by hash (EVALSHA), and in full
 * only the first time a server has not seen it (NOSCRIPT, e.g. after a restart).
 */
export class RedisScript {
  private readonly sha1: string;

  constructor(private readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await client.evalsha(this.sha1, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
