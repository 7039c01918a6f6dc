import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRange } from '../src/recording/range';

test('REC-STORE: a player’s byte ranges: a-b, a- and -n within the file; beyond the end unsatisfiable; several, reversed or other units answered with the whole file', () => {
  assert.deepEqual(parseRange('bytes=0-99', 1000), [0, 99]);
  assert.deepEqual(parseRange('bytes=900-5000', 1000), [900, 999], 'clamped to the end');
  assert.deepEqual(parseRange('bytes=990-', 1000), [990, 999]);
  assert.deepEqual(parseRange('bytes=-10', 1000), [990, 999]);
  assert.deepEqual(parseRange('bytes=-5000', 1000), [0, 999]);
  assert.equal(parseRange('bytes=1000-', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=-0', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable');
  assert.equal(parseRange(undefined, 1000), null);
  assert.equal(parseRange('bytes=0-1,5-9', 1000), null);
  assert.equal(parseRange('bytes=9-5', 1000), null);
  assert.equal(parseRange('items=0-5', 1000), null);
  assert.equal(parseRange('bytes=-', 1000), null);
});
