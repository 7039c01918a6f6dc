/**
 * Runs async tasks one after another, in the order they came. Each Argon2id evaluation holds its own
 * WebAssembly memory (19 MiB for the Codeword) until it ends: a roster of 60 started at once held
 * about 800 MB in Node and took longer in all than one after another.
 */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // The next task waits for this one to settle, whether it succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
