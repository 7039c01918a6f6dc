/** The clock a debounced control runs on: the real timers, or a test's. */
export interface DebounceOptions {
  debounceMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** One pending run of a function, some time after it was asked for: wishes that come in bursts go out once. */
export class Debounce {
  private timer: unknown = null;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(
    private readonly run: () => void,
    private readonly ms: number,
    options: DebounceOptions = {},
  ) {
    this.setTimer = options.setTimer ?? ((fn, delay) => setTimeout(fn, delay));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  }

  /**
   * Runs `ms` from now. `restart`: a run already pending starts its wait over (the burst must end
   * first); otherwise the pending run takes this call in (the burst waits no longer than `ms`).
   * `ms`: this once, another wait than the usual.
   */
  schedule(restart: boolean, ms = this.ms): void {
    if (this.timer !== null) {
      if (!restart) return;
      this.cancel();
    }
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.run();
    }, ms);
  }

  cancel(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }
}
