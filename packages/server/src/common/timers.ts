export interface Timers {
  set(callback: () => void, ms: number): () => void;
}

/** Real timers that never hold the process open; returns the cancel function. */
export const realTimers: Timers = {
  set(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return () => clearTimeout(handle);
  },
};
