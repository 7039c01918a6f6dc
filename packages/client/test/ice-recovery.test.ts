/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConclaveError, SignalingError } from '../src/errors';
import {
  DISCONNECTED_WAIT_MS,
  IceRecovery,
  MAX_RESTARTS,
  RESTART_CONNECT_MS,
  type RecoveryTimers,
} from '../src/ice-recovery';

class FakeTimers implements RecoveryTimers {
  private now = 0;
  private readonly due = new Set<{ at: number; run: () => void }>();
  set(callback: () => void, ms: number): () => void {
    const timer = { at: this.now + ms, run: callback };
    this.due.add(timer);
    return () => this.due.delete(timer);
  }
  async advance(ms: number): Promise<void> {
    this.now += ms;
    for (const timer of [...this.due].sort((a, b) => a.at - b.at)) {
      if (timer.at > this.now) continue;
      this.due.delete(timer);
      timer.run();
    }
    // Let the restart's promise settle.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

function setUp(restart: () => Promise<void> = async () => undefined) {
  const timers = new FakeTimers();
  const log: string[] = [];
  let restarts = 0;
  const recovery = new IceRecovery({
    timers,
    restart: () => {
      restarts++;
      log.push('restart');
      return restart();
    },
    onInterrupted: (down) => log.push(down ? 'down' : 'up'),
    onFailed: () => log.push('failed'),
  });
  return { timers, log, recovery, restarts: () => restarts };
}

describe('ICE recovery of one peer connection (MEET-RECONNECT)', () => {
  test('MEET-RECONNECT: disconnected for a moment and back by itself: no restart, only the indicator', async () => {
    const { timers, log, recovery } = setUp();
    recovery.update('connected');
    recovery.update('disconnected');
    await timers.advance(DISCONNECTED_WAIT_MS - 1);
    recovery.update('connected');
    await timers.advance(DISCONNECTED_WAIT_MS * 5);
    assert.deepEqual(log, ['down', 'up']);
  });

  test('MEET-RECONNECT: disconnected for long enough restarts ICE; connected again ends it', async () => {
    const { timers, log, recovery } = setUp();
    recovery.update('connected');
    recovery.update('disconnected');
    await timers.advance(DISCONNECTED_WAIT_MS);
    assert.deepEqual(log, ['down', 'restart']);
    recovery.update('connected');
    await timers.advance(RESTART_CONNECT_MS * 2);
    assert.deepEqual(log, ['down', 'restart', 'up']);
    assert.equal(recovery.restarts, 1);
  });

  test('MEET-RECONNECT: failed restarts at once; restarts that do not bring it back are retried, then it fails', async () => {
    const { timers, log, recovery } = setUp();
    recovery.update('connected');
    recovery.update('failed');
    await timers.advance(0);
    assert.deepEqual(log, ['down', 'restart']);
    for (let i = 1; i < MAX_RESTARTS; i++) await timers.advance(RESTART_CONNECT_MS);
    assert.equal(log.filter((x) => x === 'restart').length, MAX_RESTARTS);
    await timers.advance(RESTART_CONNECT_MS);
    assert.equal(log.at(-1), 'failed', 'only then does the room join afresh');
    recovery.update('connected');
    assert.equal(log.at(-1), 'failed', 'stopped: nothing more is reported');
  });

  test('MEET-RECONNECT: a connection that never came up fails at once, without restarting', async () => {
    const { log, recovery } = setUp();
    recovery.update('connecting');
    recovery.update('failed');
    assert.deepEqual(log, ['failed']);
  });

  test('MEET-RECONNECT: the server refusing the restart fails it; signaling gone stops quietly; no answer in time retries', async () => {
    const refused = setUp(() => Promise.reject(new SignalingError('invalid_state', 'Nothing is published')));
    refused.recovery.update('connected');
    refused.recovery.update('failed');
    await refused.timers.advance(0);
    assert.deepEqual(refused.log, ['down', 'restart', 'failed']);

    const gone = setUp(() => Promise.reject(new ConclaveError('connection_closed', 'closed')));
    gone.recovery.update('connected');
    gone.recovery.update('failed');
    await gone.timers.advance(RESTART_CONNECT_MS * 3);
    assert.deepEqual(gone.log, ['down', 'restart']);

    let calls = 0;
    const slow = setUp(() =>
      ++calls === 1 ? Promise.reject(new ConclaveError('request_timeout', 'no answer')) : Promise.resolve(),
    );
    slow.recovery.update('connected');
    slow.recovery.update('failed');
    await slow.timers.advance(0);
    await slow.timers.advance(1_000);
    assert.equal(slow.restarts(), 2, 'tried again soon after a restart nobody answered');
  });

  test('MEET-RECONNECT: a stall (nothing received) shows at once and restarts if it lasts; things coming again end it', async () => {
    const { timers, log, recovery } = setUp();
    recovery.stalled(true);
    assert.deepEqual(log, [], 'before the connection ever came up, a stall means nothing');
    recovery.stalled(false);
    recovery.update('connected');
    recovery.stalled(true);
    assert.deepEqual(log, ['down'], 'shown before Chromium would say disconnected');
    recovery.stalled(false);
    assert.deepEqual(log, ['down', 'up']);
    recovery.stalled(true);
    await timers.advance(DISCONNECTED_WAIT_MS);
    assert.deepEqual(log, ['down', 'up', 'down', 'restart']);
    recovery.update('connected');
    assert.equal(log.at(-1), 'restart', 'still nothing received: not up yet');
    recovery.stalled(false);
    assert.equal(log.at(-1), 'up');
  });

  test('MEET-RECONNECT: restarts nobody answered (the network still away) are tried again and do not count toward giving up', async () => {
    const unanswered = setUp(() => Promise.reject(new ConclaveError('request_timeout', 'no answer')));
    unanswered.recovery.update('connected');
    unanswered.recovery.update('failed');
    for (let i = 0; i < MAX_RESTARTS * 3; i++) await unanswered.timers.advance(1_000);
    assert.ok(unanswered.restarts() > MAX_RESTARTS);
    assert.ok(!unanswered.log.includes('failed'));
  });
});
