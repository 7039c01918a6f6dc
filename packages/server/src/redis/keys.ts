import { createHash } from 'node:crypto';

/** Every key Conclave writes starts with this, so a Redis shared with other programs stays tidy. */
const PREFIX = 'conclave:';

/**
 * A key for a value a client chose (an email address, an IP address, a meeting id from a URL): its
 * SHA-256 stands in for it, so a key is short whatever was sent and holds no address in clear.
 * `namespace` is ours, e.g. `limit:sign-in:address`.
 */
export function hashedKey(namespace: string, untrusted: string): string {
  return `${PREFIX}${namespace}:${createHash('sha256').update(untrusted).digest('base64url')}`;
}
