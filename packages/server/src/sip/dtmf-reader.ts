import type { SipCall } from './gateway-line';

export interface DtmfTimeouts {
  /** How long the caller may take to start typing after a prompt. */
  firstDigitMs: number;
  /** How long between two digits before the entry counts as given (as if `#` was pressed). */
  interDigitMs: number;
}

/** The longest entry read: a meeting extension or a passcode is far shorter. */
const MAX_ENTRY = 32;

/**
 * The digits a caller types on a call, queued from the moment it is answered so that typing ahead of
 * a prompt loses nothing. What is typed is never logged: passcodes are typed here.
 */
export class DtmfReader {
  private readonly queue: string[] = [];
  private wake: (() => void) | null = null;
  private ended = false;

  constructor(
    call: SipCall,
    private readonly timeouts: DtmfTimeouts,
  ) {
    call.on('dtmf', (digit) => {
      this.queue.push(digit);
      this.wake?.();
    });
    call.once('ended', () => {
      this.ended = true;
      this.wake?.();
    });
    if (call.isOver) this.ended = true;
  }

  /**
   * One entry up to `#` (not included) or a pause; `*` starts it over. Null when the caller typed
   * nothing in time or hung up.
   */
  async entry(): Promise<string | null> {
    let text = '';
    for (;;) {
      const digit = await this.next(text === '' ? this.timeouts.firstDigitMs : this.timeouts.interDigitMs);
      if (digit === null) return text === '' || this.ended ? null : text;
      if (digit === '#') return text;
      if (digit === '*') text = '';
      else if (/^\d$/.test(digit) && text.length < MAX_ENTRY) text += digit;
    }
  }

  /** Forgets what was typed so far (before a prompt whose answer must not be typed ahead). */
  clear(): void {
    this.queue.length = 0;
  }

  private next(timeoutMs: number): Promise<string | null> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve(null);
      }, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve(this.ended && this.queue.length === 0 ? null : (this.queue.shift() ?? null));
      };
    });
  }
}
