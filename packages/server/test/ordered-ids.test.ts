import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orderedIds } from '../src/common/ids';

test('ADM-AUDIT: ids made in one millisecond still sort in the order they were made, past 4,096 of them too', () => {
  const next = orderedIds();
  const ids = Array.from({ length: 5_000 }, () => next(1_767_225_600_000));
  ids.push(next(1_767_225_599_000)); // a clock that steps back does not reorder
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(
    ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)),
  );
});
