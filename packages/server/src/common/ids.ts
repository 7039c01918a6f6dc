import { createHash, randomBytes } from 'node:crypto';

/** UUIDv7: random, unguessable in URLs, and still sorts by creation time in indexes. */
export function newId(now: number = Date.now()): string {
  return uuidV7(now, null);
}

/**
 * UUIDv7s that sort in the order they were made, also within one millisecond (RFC 9562 §6.2, method
 * 1: a 12-bit counter in rand_a; past 4,096 in a millisecond, the next millisecond is borrowed). For
 * records whose order is their meaning, such as the audit log.
 */
export function orderedIds(): (now: number) => string {
  let lastMs = -1;
  let counter = 0;
  return (now) => {
    if (now > lastMs) {
      lastMs = now;
      counter = 0;
    } else if (++counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    return uuidV7(lastMs, counter);
  };
}

function uuidV7(ms: number, counter: number | null): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  if (counter !== null) b.writeUInt16BE(counter, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A bearer secret (session, guest token): 256 random bits, base64url. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are stored only as this hash, so a database dump cannot be replayed as a login. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
