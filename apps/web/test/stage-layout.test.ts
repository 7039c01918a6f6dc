/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stageLayout, type StageTile } from '../src/meeting/stageLayout';

const camera = (id: string): StageTile => ({ key: `camera:${id}`, participantId: id, kind: 'camera' });
const screen = (id: string): StageTile => ({ key: `screen:${id}`, participantId: id, kind: 'screen' });
const box = { width: 1280, height: 640 };
const tiles = [camera('self'), camera('bob'), camera('cleo'), camera('dan')];
const keys = (list: readonly StageTile[]) => list.map((t) => t.key);

describe('the stage layout model (MEET-LAYOUT)', () => {
  test('MEET-LAYOUT: gallery shows everyone at one size, in order, every tile inside the stage', () => {
    const l = stageLayout({ mode: 'gallery', tiles, box });
    assert.equal(l.mode, 'gallery');
    assert.equal(l.main, null);
    assert.deepEqual(keys(l.others), keys(tiles));
    const rows = Math.ceil(tiles.length / l.columns);
    assert.ok(l.columns * l.size.width + (l.columns - 1) * 12 <= box.width);
    assert.ok(rows * l.size.height + (rows - 1) * 12 <= box.height);
  });

  test('MEET-LAYOUT: a pinned participant comes first in the gallery', () => {
    const l = stageLayout({ mode: 'gallery', tiles, box, pinned: 'cleo' });
    assert.deepEqual(keys(l.others), ['camera:cleo', 'camera:self', 'camera:bob', 'camera:dan']);
  });

  test('MEET-LAYOUT: speaker layout makes the active speaker big and puts the others in a strip', () => {
    const l = stageLayout({ mode: 'speaker', tiles, box, activeSpeaker: 'dan' });
    assert.equal(l.mode, 'speaker');
    assert.equal(l.main?.tile.key, 'camera:dan');
    assert.deepEqual(keys(l.others), ['camera:self', 'camera:bob', 'camera:cleo']);
    assert.ok(l.main.size.width > l.size.width * 3, 'the big tile is much larger than the strip’s');
    assert.ok(l.main.size.height + 12 + l.size.height <= box.height, 'big tile and strip fit the stage');
    assert.ok(l.others.length * l.size.width + (l.others.length - 1) * 12 <= box.width, 'the strip fits');
  });

  test('MEET-LAYOUT: with nobody speaking, speaker layout shows the first other participant big', () => {
    const l = stageLayout({ mode: 'speaker', tiles, box, activeSpeaker: null });
    assert.equal(l.main?.tile.key, 'camera:bob');
  });

  test('MEET-LAYOUT: a pin overrides the speaker; a speaker or pin who left is ignored', () => {
    assert.equal(
      stageLayout({ mode: 'speaker', tiles, box, activeSpeaker: 'dan', pinned: 'cleo' }).main?.tile.key,
      'camera:cleo',
    );
    assert.equal(
      stageLayout({ mode: 'speaker', tiles, box, activeSpeaker: 'gone', pinned: 'left' }).main?.tile.key,
      'camera:bob',
    );
  });

  test('MEET-LAYOUT: alone, speaker layout is one tile filling the stage like the gallery', () => {
    const l = stageLayout({ mode: 'speaker', tiles: [camera('self')], box });
    assert.equal(l.main, null);
    assert.deepEqual(keys(l.others), ['camera:self']);
  });

  test('MEET-LAYOUT: a shared screen switches to presentation: the screen big, every camera in the strip', () => {
    for (const mode of ['gallery', 'speaker'] as const) {
      const l = stageLayout({ mode, tiles, box, activeSpeaker: 'dan', presentations: [screen('bob')] });
      assert.equal(l.mode, 'presentation');
      assert.equal(l.main?.tile.key, 'screen:bob');
      assert.deepEqual(keys(l.others), keys(tiles), 'the speaker does not replace the screen');
    }
  });

  test('MEET-LAYOUT: with two screens shared, the latest is big and the other joins the strip first', () => {
    const l = stageLayout({ mode: 'gallery', tiles, box, presentations: [screen('cleo'), screen('bob')] });
    assert.equal(l.main?.tile.key, 'screen:cleo');
    assert.deepEqual(keys(l.others).slice(0, 2), ['screen:bob', 'camera:self']);
  });

  test('MEET-LAYOUT: once the share ends, the layout is back to what was chosen', () => {
    const sharing = stageLayout({ mode: 'speaker', tiles, box, presentations: [screen('bob')] });
    const after = stageLayout({ mode: 'speaker', tiles, box, presentations: [] });
    assert.equal(sharing.mode, 'presentation');
    assert.equal(after.mode, 'speaker');
  });

  test('MEET-LAYOUT: a long strip shrinks its tiles to stay within the stage’s width', () => {
    const many = Array.from({ length: 20 }, (_, i) => camera(`p${i}`));
    const l = stageLayout({ mode: 'speaker', tiles: many, box, activeSpeaker: 'p3' });
    assert.ok(l.others.length * l.size.width + (l.others.length - 1) * 12 <= box.width);
    assert.ok(l.size.width > 0);
  });
});
