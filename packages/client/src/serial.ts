/** Runs async tasks one after another, in the order they were queued; a failing task does not stop the queue. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private size = 0;

  get pending(): number {
    return this.size;
  }

  run<T>(task: () => Promise<T> | T): Promise<T> {
    this.size++;
    const result = this.tail.then(task).finally(() => {
      this.size--;
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
