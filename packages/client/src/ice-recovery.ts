import { ConclaveError, SignalingError } from './errors';

/**
 * How long a connection may stay `disconnected` before it restarts ICE. Chromium says `disconnected`
 * once nothing came for about 2.5 s; a short wave of loss often comes back by itself meanwhile.
 */
export const DISCONNECTED_WAIT_MS = 2_000;
/** How long a negotiated restart may take to bring the connection back before another is tried. */
export const RESTART_CONNECT_MS = 5_000;
/**
 * How long the server may take to answer a restart. A restart sent while the network is still away
 * waits in a TCP connection that backs off; one sent again once this passes gets through sooner.
 */
export const RESTART_ANSWER_MS = 4_000;
/**
 * Restarts negotiated in a row that did not bring the connection back before it counts as lost (the
 * room then joins afresh). Restarts nobody answered do not count: the signaling is away too, and its
 * own resume decides.
 */
export const MAX_RESTARTS = 3;
/** After a restart that could not even be negotiated (no answer in time), the next one waits this long. */
const RETRY_AFTER_MS = 1_000;

export interface RecoveryTimers {
  /** Runs `callback` after `ms`; returns what cancels it. */
  set(callback: () => void, ms: number): () => void;
}

const realTimers: RecoveryTimers = {
  set(callback, ms) {
    const handle = setTimeout(callback, ms);
    return () => clearTimeout(handle);
  },
};

export interface IceRecoveryOptions {
  /**
   * Restarts ICE on the connection (MEET-RECONNECT); settles once negotiated: the server answered the
   * offer, or acknowledged the request for one. Rejects with a SignalingError when the server refuses
   * (nothing to restart there), with `connection_closed` when the signaling is gone for good.
   */
  restart(): Promise<void>;
  /** The connection is down or back up (the room shows "Reconnecting…" meanwhile). */
  onInterrupted(down: boolean): void;
  /** Restarting did not bring it back, or it never came up: the session is lost and the room joins afresh. */
  onFailed(): void;
  /** An ICE restart starts (counted, to tell a restart from a rejoin). */
  onRestart?(): void;
  timers?: RecoveryTimers;
}

/**
 * Keeps one peer connection up (MEET-RECONNECT): when it goes `disconnected` for a while, or
 * `failed`, it restarts ICE rather than joining again; the server keeps the participation meanwhile,
 * so nobody sees it leave. Restarts are tried a bounded number of times, each given a bounded time
 * to bring the connection back; only then does the connection count as lost. A connection that
 * never came up fails at once, as before. Bookkeeping only: the connection's states come in through
 * `update`, and `restart` does the negotiating.
 */
export class IceRecovery {
  private readonly timers: RecoveryTimers;
  private everConnected = false;
  /** The connection's last state, and whether nothing has come over it lately (see StallWatch). */
  private state: RTCPeerConnectionState = 'new';
  private stalledNow = false;
  private down = false;
  private restarting = false;
  private attempts = 0;
  private cancelTimer: (() => void) | null = null;
  private stopped = false;
  private _restarts = 0;

  constructor(private readonly options: IceRecoveryOptions) {
    this.timers = options.timers ?? realTimers;
  }

  /** ICE restarts started so far. */
  get restarts(): number {
    return this._restarts;
  }

  /** The connection's `connectionState` changed. */
  update(state: RTCPeerConnectionState): void {
    if (this.stopped) return;
    this.state = state;
    switch (state) {
      case 'connected':
        this.everConnected = true;
        if (!this.stalledNow) this.up();
        return;
      case 'disconnected':
        if (!this.everConnected) return;
        this.setDown(true);
        if (!this.restarting && !this.cancelTimer) this.schedule(DISCONNECTED_WAIT_MS);
        return;
      case 'failed':
        if (!this.everConnected) {
          this.fail();
          return;
        }
        this.setDown(true);
        // A restart under way has its own time to bring the connection back.
        if (this.restarting) return;
        this.clearTimer();
        void this.restartNow();
        return;
      default:
        return;
    }
  }

  /**
   * Nothing (media, RTCP, consent answers) came over the connection for a while, or things come again.
   * Chromium only says `disconnected` after several seconds; a stall shows sooner, and is treated the
   * same: down at once, a restart if it lasts.
   */
  stalled(stalled: boolean): void {
    if (this.stopped || this.stalledNow === stalled) return;
    this.stalledNow = stalled;
    if (!this.everConnected) return;
    if (!stalled) {
      if (this.state === 'connected') this.up();
      return;
    }
    this.setDown(true);
    if (!this.restarting && !this.cancelTimer) this.schedule(DISCONNECTED_WAIT_MS);
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private up(): void {
    this.attempts = 0;
    this.clearTimer();
    this.setDown(false);
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.cancelTimer = this.timers.set(() => {
      this.cancelTimer = null;
      void this.restartNow();
    }, ms);
  }

  private async restartNow(): Promise<void> {
    if (this.stopped || !this.down || this.restarting) return;
    if (this.attempts >= MAX_RESTARTS) {
      this.fail();
      return;
    }
    this.attempts++;
    this._restarts++;
    this.options.onRestart?.();
    this.restarting = true;
    let negotiated = true;
    try {
      await this.options.restart();
    } catch (err) {
      negotiated = false;
      if (err instanceof SignalingError) {
        // The server has nothing to restart (e.g. the publisher went down): join afresh.
        this.restarting = false;
        this.fail();
        return;
      }
      if (err instanceof ConclaveError && err.code === 'connection_closed') {
        // The session is gone; whoever owns it reports that.
        this.restarting = false;
        this.stop();
        return;
      }
      // Not answered in time: the network is likely still away. Tried again soon, not counted.
      this.attempts--;
    }
    this.restarting = false;
    if (this.stopped || !this.down) return;
    this.schedule(negotiated ? RESTART_CONNECT_MS : RETRY_AFTER_MS);
  }

  private fail(): void {
    if (this.stopped) return;
    this.stop();
    this.options.onFailed();
  }

  private setDown(down: boolean): void {
    if (this.down === down) return;
    this.down = down;
    this.options.onInterrupted(down);
  }

  private clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }
}
