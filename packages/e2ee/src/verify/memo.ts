/**
 * Remembers the last `capacity` results of an expensive async function by a string key, so that a
 * roster drawn again does not pay the derivation again. The promise is kept, not the value, so calls
 * that overlap share one computation; a failed one is forgotten so the next call tries again.
 * Least recently used goes first.
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, Promise<V>>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`bad capacity: ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, compute: () => Promise<V>): Promise<V> {
    const known = this.entries.get(key);
    if (known) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    const fresh = compute();
    this.entries.set(key, fresh);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    fresh.catch(() => {
      if (this.entries.get(key) === fresh) this.entries.delete(key);
    });
    return fresh;
  }
}
