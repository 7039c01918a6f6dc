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

describe('a large meeting, a page at a time (MEET-LAYOUT, MEET-QUALITY)', () => {
  const desktop = { width: 1248, height: 572 };
  const tablet = { width: 736, height: 860 };
  const phone = { width: 358, height: 640 };
  /** This client, then `n` others: p0, p1, … */
  const meeting = (n: number) => [camera('self'), ...Array.from({ length: n }, (_, i) => camera(`p${i}`))];
  const ids = (list: readonly StageTile[]) => list.map((t) => t.participantId);
  /** Every page of the gallery, as participant ids (the "+N more" tile is not in `others`). */
  const allPages = (input: Omit<Parameters<typeof stageLayout>[0], 'page'>) => {
    const first = stageLayout({ ...input, page: 0 });
    return Array.from({ length: first.paging.pages }, (_, page) => stageLayout({ ...input, page }));
  };

  test('MEET-LAYOUT: a page holds 25 places on a desktop-sized stage, 12 on a tablet, 6 on a phone', () => {
    const tiles = meeting(99);
    for (const [box, size] of [
      [desktop, 25],
      [tablet, 12],
      [phone, 6],
    ] as const) {
      const l = stageLayout({ mode: 'gallery', tiles, box, self: 'self' });
      assert.equal(l.others.length + 1, size, `${box.width}×${box.height}: the page's tiles and "+N more"`);
      assert.ok(l.paging.more > 0);
      const rows = Math.ceil(size / l.columns);
      assert.ok(l.columns * l.size.width + (l.columns - 1) * 12 <= box.width, 'the page fits the width');
      assert.ok(rows * l.size.height + (rows - 1) * 12 <= box.height, 'and the height, without scrolling');
    }
    // A short window is a small stage too, however wide.
    assert.equal(stageLayout({ mode: 'gallery', tiles, box: { width: 1400, height: 340 } }).others.length, 5);
  });

  test('MEET-LAYOUT: a meeting that fits one page has one page and no "+N more"', () => {
    for (const [box, n] of [
      [desktop, 24],
      [phone, 5],
    ] as const) {
      const l = stageLayout({ mode: 'gallery', tiles: meeting(n), box, self: 'self' });
      assert.deepEqual(l.paging, { page: 0, pages: 1, more: 0 });
      assert.equal(l.others.length, n + 1);
    }
  });

  test('MEET-LAYOUT: the others take turns page by page, in the stage’s order, each exactly once; this client is first on every page', () => {
    const tiles = meeting(41);
    const pages = allPages({ mode: 'gallery', tiles, box: desktop, self: 'self' });
    assert.equal(pages.length, 2);
    for (const l of pages) assert.equal(l.others[0]?.key, 'camera:self');
    const seen = pages.flatMap((l) => ids(l.others).slice(1));
    assert.deepEqual(seen, ids(tiles).slice(1), 'every other participant on exactly one page, in order');
    assert.deepEqual(
      pages.map((l) => l.paging),
      [
        { page: 0, pages: 2, more: 18 },
        { page: 1, pages: 2, more: 0 },
      ],
    );
    // Page one: this client, 23 others and "+18 more" are the 25 places.
    assert.equal(pages[0]?.others.length, 24);
  });

  test('MEET-LAYOUT: "+N more" counts who is on the pages after this one', () => {
    // A phone: this client, 4 others and "+N more"; the last page has room for 5.
    const tiles = meeting(12);
    const pages = allPages({ mode: 'gallery', tiles, box: phone, self: 'self' });
    assert.deepEqual(
      pages.map((l) => [l.others.length, l.paging.more]),
      [
        [5, 8],
        [5, 4],
        [5, 0],
      ],
    );
  });

  test('MEET-LAYOUT: the pinned participant and the latest speaker are on every page; a speaker keeps their own place on their own page', () => {
    const input = { mode: 'gallery' as const, tiles: meeting(8), box: phone, self: 'self', pinned: 'p6' };
    const pages = allPages({ ...input, speakers: ['p4'] });
    assert.deepEqual(
      pages.map((l) => [ids(l.others), l.paging.more]),
      [
        [['p6', 'self', 'p4', 'p0', 'p1'], 5],
        [['p6', 'self', 'p4', 'p2', 'p3'], 3],
        [['p6', 'self', 'p4', 'p5', 'p7'], 0],
      ],
    );
    // Someone else speaking changes the tile in front, not the pages: nobody else moves (on their own
    // page the speaker's reserved place stays empty).
    const later = allPages({ ...input, speakers: ['p1'] });
    assert.deepEqual(
      later.map((l) => ids(l.others)),
      [
        ['p6', 'self', 'p0', 'p1'],
        ['p6', 'self', 'p1', 'p2', 'p3'],
        ['p6', 'self', 'p1', 'p4', 'p5', 'p7'],
      ],
    );
  });

  test('MEET-LAYOUT: a page past the end (people left) is the last page that exists', () => {
    const l = stageLayout({ mode: 'gallery', tiles: meeting(6), box: phone, self: 'self', page: 5 });
    assert.deepEqual(l.paging, { page: 1, pages: 2, more: 0 });
    assert.deepEqual(ids(l.others), ['self', 'p4', 'p5']);
    const alone = stageLayout({ mode: 'gallery', tiles: meeting(0), box: phone, self: 'self', page: 3 });
    assert.deepEqual(alone.paging, { page: 0, pages: 1, more: 0 });
  });

  test('MEET-LAYOUT: the strip of speaker layout is paged too, the big tile and this client on every page', () => {
    const tiles = meeting(30);
    const box = { width: 1248, height: 572 };
    const input = {
      mode: 'speaker' as const,
      tiles,
      box,
      self: 'self',
      activeSpeaker: 'p20',
      speakers: ['p20'],
    };
    const pages = allPages(input);
    assert.ok(pages.length > 1, 'thirty do not fit one strip');
    for (const l of pages) {
      assert.equal(l.main?.tile.participantId, 'p20');
      assert.equal(l.others[0]?.participantId, 'self');
      assert.ok(!ids(l.others).includes('p20'), 'the big tile is not in the strip too');
      assert.ok(l.columns * l.size.width + (l.columns - 1) * 12 <= box.width, 'the strip fits');
      assert.ok(l.size.width >= 120, 'strip tiles stay big enough to see a face');
    }
    const seen = pages.flatMap((l) => ids(l.others).slice(1));
    assert.deepEqual(
      seen,
      ids(tiles).filter((id) => id !== 'self' && id !== 'p20'),
    );
    assert.equal(pages.at(-1)?.paging.more, 0);
    assert.ok((pages[0]?.paging.more ?? 0) > 0);
  });

  test('MEET-LAYOUT: in presentation the screen is big, other screens and this client lead every page of the strip', () => {
    const tiles = meeting(20);
    const pages = allPages({
      mode: 'gallery',
      tiles,
      box: phone,
      self: 'self',
      presentations: [screen('p5'), screen('p9')],
    });
    assert.ok(pages.length > 1);
    for (const l of pages) {
      assert.equal(l.mode, 'presentation');
      assert.equal(l.main?.tile.key, 'screen:p5');
      assert.deepEqual(keys(l.others).slice(0, 2), ['screen:p9', 'camera:self']);
      assert.ok(l.columns * l.size.width + (l.columns - 1) * 12 <= phone.width);
    }
  });
});
