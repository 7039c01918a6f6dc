/**
 * Where sealed recordings are kept: a flat namespace of keys to bytes, as an S3 bucket has. Every
 * driver passes the same contract tests; nothing above this interface knows which one it talks to.
 */
export interface ObjectStore {
  /** Replaces the object whole, or not at all: a reader never sees half of it. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  /** Every key that starts with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes these objects; a key that is already gone is not an error. */
  delete(keys: readonly string[]): Promise<void>;
}

/** A store that did not do what it was asked (refused, unreachable, or answered nonsense). */
export class ObjectStoreError extends Error {
  constructor(
    message: string,
    /** The HTTP status, for stores reached over HTTP. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ObjectStoreError';
  }
}

// Segments a file system and a URL both take as they are: no `.`/`..`, no separators, no leading dot
// (the local driver's temporary files start with one, so they can never be mistaken for objects).
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 1024;

/** Throws unless `key` is `/`-separated safe segments, so no driver can be led outside its place. */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !key.split('/').every((s) => SEGMENT.test(s))) {
    throw new ObjectStoreError(`not a valid object key: ${JSON.stringify(key.slice(0, 100))}`);
  }
}

/** A prefix is a key, or a key with a trailing `/`, or the start of a segment; or empty (everything). */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  const body = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  assertValidKey(body);
}
