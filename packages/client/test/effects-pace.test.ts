/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PaceWatch } from '../src/effects/pace';

/** Feeds `seconds` seconds of `fps` pictures, each keeping the page busy `busyMs`; whether it gave up. */
function run(watch: PaceWatch, start: number, seconds: number, fps: number, busyMs: number): boolean {
  let gaveUp = false;
  for (let i = 1; i <= seconds * fps; i++) {
    watch.busy(busyMs);
    gaveUp = watch.sent(start + (i * 1000) / fps) || gaveUp;
  }
  return gaveUp;
}

describe('PaceWatch: when a camera effect is too slow for this device', () => {
  test('MEET-QUALITY: an effect keeping the camera’s 30 fps never gives up, however busy', () => {
    assert.equal(run(new PaceWatch(30, 0), 0, 10, 30, 30), false);
  });

  test('MEET-QUALITY: under half the camera’s rate because the effect is busy, for 3 s in a row, gives up — not sooner', () => {
    const watch = new PaceWatch(30, 0);
    assert.equal(run(watch, 0, 2, 10, 95), false, 'two slow seconds are tolerated');
    assert.equal(run(watch, 2000, 1, 10, 95), true, 'the third gives up');
  });

  test('MEET-QUALITY: a camera that itself sends few pictures (a dark room) leaves the effect idle and is no reason to give up', () => {
    assert.equal(run(new PaceWatch(30, 0), 0, 10, 8, 10), false);
  });

  test('MEET-QUALITY: a fast second in between starts the count again', () => {
    const watch = new PaceWatch(30, 0);
    assert.equal(run(watch, 0, 2, 10, 95), false);
    assert.equal(run(watch, 2000, 1, 30, 10), false);
    assert.equal(run(watch, 3000, 2, 10, 95), false);
  });
});
