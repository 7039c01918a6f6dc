/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BandwidthCeiling,
  CLEAN_INTERVALS_TO_STEP_UP,
  LayerControl,
  type LayerRequest,
} from '../src/layer-control';
import { RemoteTrackPublication } from '../src/publication';
import { qualityForSize } from '../src/simulcast';

/** A LayerControl whose debounce timer the test fires by hand. */
function controlled(fail = false) {
  const sent: LayerRequest[][] = [];
  let pending: (() => void) | null = null;
  let scheduled = 0;
  const control = new LayerControl({
    send: async (layers) => {
      sent.push(layers);
      if (fail) throw new Error('refused');
    },
    setTimer: (fn) => {
      pending = fn;
      scheduled++;
      return scheduled;
    },
    clearTimer: () => {
      pending = null;
    },
  });
  const fire = async () => {
    const fn = pending;
    pending = null;
    fn?.();
    await new Promise((r) => setImmediate(r));
  };
  return { control, sent, fire, isPending: () => pending !== null };
}

test('MEET-QUALITY: a tile’s size picks the layer that fills it: small low, middling medium, large high', () => {
  assert.equal(qualityForSize(320, 180), 'low');
  assert.equal(qualityForSize(480, 270), 'low');
  assert.equal(qualityForSize(640, 360), 'medium');
  assert.equal(qualityForSize(960, 540), 'medium');
  assert.equal(qualityForSize(1280, 720), 'high');
  // A tall, narrow tile is filled by the picture's height.
  assert.equal(qualityForSize(300, 600), 'high');
  // A high-density screen needs more pixels for the same CSS size.
  assert.equal(qualityForSize(400, 225, 2), 'medium');
});

test('MEET-QUALITY: wishes are debounced, and only changes go out', async () => {
  const { control, sent, fire } = controlled();
  control.want('1', 'high');
  control.want('1', 'low');
  control.want('2', 'medium');
  assert.equal(sent.length, 0, 'nothing before the debounce ends');
  await fire();
  assert.deepEqual(sent, [
    [
      { mid: '1', substream: 0, temporal: 2 },
      { mid: '2', substream: 1, temporal: 2 },
    ],
  ]);
  control.want('1', 'low');
  await fire();
  assert.equal(sent.length, 1, 'the same choice again is not sent');
  control.want('1', 'high');
  await fire();
  assert.deepEqual(sent[1], [{ mid: '1', substream: 2, temporal: 2 }]);
});

test('MEET-QUALITY: without a size, the full layer for up to four cameras and the half one beyond', async () => {
  const { control, sent, fire } = controlled();
  for (const mid of ['1', '2', '3', '4']) control.want(mid, null);
  await fire();
  assert.ok(sent[0]!.every((l) => l.substream === 2));
  control.want('5', null);
  await fire();
  assert.ok(sent[1]!.length === 5 && sent[1]!.every((l) => l.substream === 1));
});

test('MEET-QUALITY: the bandwidth ceiling holds layers down; starved also lowers the frame rate', async () => {
  const { control, sent, fire } = controlled();
  control.want('1', 'high');
  control.want('2', 'low');
  await fire();
  control.setCeiling('medium');
  await fire();
  assert.deepEqual(sent[1], [{ mid: '1', substream: 1, temporal: 2 }]);
  control.setCeiling('low', true);
  await fire();
  assert.deepEqual(sent[2], [
    { mid: '1', substream: 0, temporal: 0 },
    { mid: '2', substream: 0, temporal: 0 },
  ]);
});

test('MEET-QUALITY: a refused request is sent again with the next change; a forgotten mid is not sent', async () => {
  const { control, sent, fire } = controlled(true);
  control.want('1', 'low');
  await fire();
  control.want('2', 'low');
  await fire();
  assert.deepEqual(
    sent[1]!.map((l) => l.mid),
    ['1', '2'],
  );
  control.forget('1');
  control.forget('2');
  control.setCeiling('medium');
  await fire();
  assert.equal(sent.length, 2);
});

test('MEET-QUALITY: loss steps the ceiling down each interval; five clean intervals step it up one', () => {
  const ceiling = new BandwidthCeiling();
  const cost = () => 0;
  assert.equal(ceiling.update({ videoLoss: 0.2 }, cost).ceiling, 'medium');
  assert.equal(ceiling.update({ videoLoss: 0.15 }, cost).ceiling, 'low');
  assert.equal(ceiling.update({ videoLoss: 0.3 }, cost).ceiling, 'low');
  for (let i = 1; i < CLEAN_INTERVALS_TO_STEP_UP; i++) {
    assert.equal(ceiling.update({ videoLoss: 0 }, cost).ceiling, 'low');
  }
  assert.equal(ceiling.update({ videoLoss: 0 }, cost).ceiling, 'medium');
});

test('MEET-QUALITY: the estimated incoming bandwidth caps the ceiling where the choices would not fit', () => {
  const ceiling = new BandwidthCeiling();
  // Two cameras wanting the full layer: 2 × 2.5 Mbit/s, or 2 × 0.6 at medium, 2 × 0.15 at low.
  const cost = (q: 'low' | 'medium' | 'high') => 2 * { low: 150_000, medium: 600_000, high: 2_500_000 }[q];
  assert.deepEqual(ceiling.update({ videoLoss: 0, availableIncomingBitrate: 10_000_000 }, cost), {
    ceiling: 'high',
    starved: false,
  });
  assert.deepEqual(ceiling.update({ videoLoss: 0, availableIncomingBitrate: 2_000_000 }, cost), {
    ceiling: 'medium',
    starved: false,
  });
  assert.deepEqual(ceiling.update({ videoLoss: 0, availableIncomingBitrate: 300_000 }, cost), {
    ceiling: 'low',
    starved: true,
  });
});

test('MEET-QUALITY: a remote camera publication reports the wished layer once per change; audio has none', () => {
  const camera = new RemoteTrackPublication('camera', false);
  let told = 0;
  camera.onLayerWish = () => told++;
  assert.equal(camera.videoQuality, null);
  camera.setVideoDimensions({ width: 240, height: 135 });
  camera.setVideoDimensions({ width: 200, height: 112 });
  assert.equal(camera.videoQuality, 'low');
  camera.setVideoDimensions({ width: 1600, height: 900 });
  assert.equal(camera.videoQuality, 'high');
  assert.equal(told, 2);
  const microphone = new RemoteTrackPublication('microphone', false);
  microphone.setVideoQuality('low');
  assert.equal(microphone.videoQuality, null);
});
