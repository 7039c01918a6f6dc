/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { galleryLayout } from '../src/meeting/layout';

const laptop = { width: 1408, height: 750 };

test('one tile fills the stage at 16:9', () => {
  const l = galleryLayout(1, laptop.width, laptop.height);
  assert.equal(l.columns, 1);
  assert.equal(l.tileHeight, Math.floor(l.tileWidth / (16 / 9)));
  assert.ok(l.tileWidth <= laptop.width && l.tileHeight <= laptop.height);
  assert.ok(l.tileHeight >= laptop.height - 2 || l.tileWidth >= laptop.width - 2, 'uses the whole stage');
});

test('tiles of every gallery size from 1 to 12 fit the stage without overflow', () => {
  for (let n = 1; n <= 12; n++) {
    const l = galleryLayout(n, laptop.width, laptop.height, { gap: 12 });
    assert.ok(l.columns * l.rows >= n, `${n}: room for every tile`);
    assert.ok(l.columns * l.tileWidth + (l.columns - 1) * 12 <= laptop.width, `${n}: fits the width`);
    assert.ok(l.rows * l.tileHeight + (l.rows - 1) * 12 <= laptop.height, `${n}: fits the height`);
    assert.ok((l.rows - 1) * l.columns < n, `${n}: no empty row`);
  }
});

test('four people on a laptop get a 2×2 grid, nine a 3×3 grid', () => {
  assert.deepEqual(pick(galleryLayout(4, laptop.width, laptop.height)), [2, 2]);
  assert.deepEqual(pick(galleryLayout(9, laptop.width, laptop.height)), [3, 3]);
});

test('two people side by side on a wide stage, stacked on a tall one', () => {
  assert.deepEqual(pick(galleryLayout(2, laptop.width, laptop.height)), [2, 1]);
  assert.deepEqual(pick(galleryLayout(2, 400, 760)), [1, 2]);
});

test('a portrait stage may choose squarer tiles when they come out larger', () => {
  const wide = galleryLayout(2, 400, 760, { aspect: 16 / 9 });
  const flexible = galleryLayout(2, 400, 760, { aspect: [16 / 9, 4 / 3, 1] });
  assert.ok(flexible.tileWidth * flexible.tileHeight > wide.tileWidth * wide.tileHeight);
});

test('too many tiles keep a readable minimum width and scroll instead', () => {
  const l = galleryLayout(60, 800, 400, { minTileWidth: 160, gap: 12 });
  assert.ok(l.tileWidth >= 160);
  assert.ok(l.rows * l.columns >= 60);
});

test('an empty or unmeasured stage yields no tiles', () => {
  assert.equal(galleryLayout(0, 800, 600).tileWidth, 0);
  assert.equal(galleryLayout(3, 0, 0).tileWidth, 0);
});

function pick(l: { columns: number; rows: number }): [number, number] {
  return [l.columns, l.rows];
}
