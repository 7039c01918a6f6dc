/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfDetector, keyOf, tonesOf } from '../src/sip-gateway/dtmf';

const RATE = 48_000;
const WINDOW = 2048;
const KEYS = [...'123456789*0#'];

/** `ms` of a key's two tones (or silence for null), with optional white noise, at `RATE`. */
function signal(parts: Array<[string | null, number]>, noise = 0, level = 0.25): Float32Array {
  const total = parts.reduce((n, [, ms]) => n + Math.round((ms * RATE) / 1000), 0);
  const out = new Float32Array(total);
  let at = 0;
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  for (const [key, ms] of parts) {
    const n = Math.round((ms * RATE) / 1000);
    const [low, high] = (key === null ? null : tonesOf(key)) ?? [0, 0];
    for (let i = 0; i < n; i++) {
      const t = (at + i) / RATE;
      const tone =
        key === null ? 0 : level * (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t));
      out[at + i] = tone + noise * random();
    }
    at += n;
  }
  return out;
}

/** What a detector hears of `samples`, read in windows every 20 ms as the gateway page does. */
function heard(samples: Float32Array): string {
  let keys = '';
  const detector = new DtmfDetector(RATE, (key) => (keys += key));
  const hop = (RATE * 20) / 1000;
  for (let at = 0; at + WINDOW <= samples.length; at += hop) detector.push(samples.subarray(at, at + WINDOW));
  return keys;
}

test('INTEROP-PSTN: every key of the pad is told by its two tones', () => {
  for (const key of KEYS) {
    assert.equal(keyOf(signal([[key, 60]]).subarray(0, WINDOW), RATE), key, `key ${key}`);
  }
});

test('INTEROP-PSTN: a typed extension and passcode come out once per press, through noise at -20 dB', () => {
  const typed = '1234567#4711#';
  const parts: Array<[string | null, number]> = [[null, 200]];
  for (const key of typed) parts.push([key, 100], [null, 80]);
  assert.equal(heard(signal(parts)), typed);
  assert.equal(heard(signal(parts, 0.05)), typed);
});

test('INTEROP-PSTN: a held key counts once; the same key again after a pause counts again', () => {
  assert.equal(
    heard(
      signal([
        [null, 100],
        ['5', 600],
        [null, 100],
        ['5', 100],
        [null, 100],
      ]),
    ),
    '55',
  );
});

test('INTEROP-PSTN: a voice-like tone, a single DTMF frequency, noise and silence are no key', () => {
  const buzz = new Float32Array(RATE);
  for (let i = 0; i < buzz.length; i++) {
    const t = i / RATE;
    // 440 Hz (what the test endpoint sends) and a 120 Hz voice with harmonics through the DTMF band.
    buzz[i] = 0.3 * Math.sin(2 * Math.PI * 440 * t);
    for (let h = 1; h <= 20; h++) buzz[i]! += (0.3 / h) * Math.sin(2 * Math.PI * 120 * h * t);
  }
  assert.equal(heard(buzz), '');
  const lone = new Float32Array(RATE).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 697 * i) / RATE));
  assert.equal(heard(lone), '');
  assert.equal(heard(signal([[null, 1000]], 0.3)), '');
  assert.equal(heard(new Float32Array(RATE)), '');
});
