/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SHORTCUTS, shortcutFor, type KeyInput } from '../src/meeting/shortcuts';

const press = (key: string, code: string, mods: Partial<KeyInput> = {}): KeyInput => ({
  key,
  code,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  typing: false,
  scrolling: false,
  ...mods,
});

describe('keyboard shortcuts in the meeting (MEET-LAYOUT essentials)', () => {
  test('MEET-LAYOUT: Ctrl+D and ⌘+D toggle the microphone, Ctrl+E and ⌘+E the camera', () => {
    assert.equal(shortcutFor(press('d', 'KeyD', { ctrlKey: true })), 'microphone');
    assert.equal(shortcutFor(press('d', 'KeyD', { metaKey: true })), 'microphone');
    assert.equal(shortcutFor(press('e', 'KeyE', { ctrlKey: true })), 'camera');
    assert.equal(shortcutFor(press('E', 'KeyE', { metaKey: true })), 'camera');
  });

  test('MEET-LAYOUT: Alt+Y raises the hand and Alt+U shows the participants, also where Option changes the key', () => {
    assert.equal(shortcutFor(press('y', 'KeyY', { altKey: true })), 'hand');
    assert.equal(shortcutFor(press('¥', 'KeyY', { altKey: true })), 'hand');
    assert.equal(shortcutFor(press('u', 'KeyU', { altKey: true })), 'participants');
  });

  test('CHAT-MEETING: Alt+H shows or hides the chat, also where Option changes the key; not while typing a message', () => {
    assert.equal(shortcutFor(press('h', 'KeyH', { altKey: true })), 'chat');
    assert.equal(shortcutFor(press('˙', 'KeyH', { altKey: true })), 'chat');
    assert.equal(shortcutFor({ ...press('h', 'KeyH', { altKey: true }), typing: true }), null);
  });

  test('MEET-LAYOUT: ? opens the help; plain letters, other combinations and Ctrl+Alt (screen readers) do nothing', () => {
    assert.equal(shortcutFor(press('?', 'Slash', { shiftKey: true })), 'help');
    assert.equal(shortcutFor(press('d', 'KeyD')), null);
    assert.equal(shortcutFor(press('y', 'KeyY')), null);
    assert.equal(shortcutFor(press('d', 'KeyD', { ctrlKey: true, altKey: true })), null);
    assert.equal(shortcutFor(press('y', 'KeyY', { ctrlKey: true, altKey: true })), null);
    assert.equal(shortcutFor(press('D', 'KeyD', { ctrlKey: true, shiftKey: true })), null);
  });

  test('MEET-LAYOUT: nothing is a shortcut while typing in a text field', () => {
    assert.equal(shortcutFor(press('d', 'KeyD', { ctrlKey: true, typing: true })), null);
    assert.equal(shortcutFor(press('?', 'Slash', { shiftKey: true, typing: true })), null);
    assert.equal(shortcutFor(press('y', 'KeyY', { altKey: true, typing: true })), null);
  });

  test('MEET-LAYOUT: the help lists every shortcut with its keys, ⌘ and ⌥ on a Mac', () => {
    assert.deepEqual(
      SHORTCUTS.map((s) => s.action),
      ['microphone', 'camera', 'hand', 'participants', 'chat', 'previousPage', 'nextPage', 'help'],
    );
    assert.deepEqual(SHORTCUTS[0]?.keys(false), ['Ctrl', 'D']);
    assert.deepEqual(SHORTCUTS[0]?.keys(true), ['⌘', 'D']);
    assert.deepEqual(SHORTCUTS[2]?.keys(true), ['⌥', 'Y']);
  });

  test('MEET-LAYOUT: Page Down and Page Up go to the next and previous page of participants', () => {
    assert.equal(shortcutFor(press('PageDown', 'PageDown')), 'nextPage');
    assert.equal(shortcutFor(press('PageUp', 'PageUp')), 'previousPage');
    // A Mac keyboard without the keys types them with fn+↓ and fn+↑: the same key values.
    assert.equal(shortcutFor(press('PageDown', 'ArrowDown')), 'nextPage');
  });

  test('MEET-LAYOUT: Page Up and Page Down are left alone while typing, in a list that scrolls, and with modifiers (the browser’s tab keys)', () => {
    assert.equal(shortcutFor(press('PageDown', 'PageDown', { typing: true })), null);
    assert.equal(shortcutFor(press('PageDown', 'PageDown', { scrolling: true })), null);
    assert.equal(shortcutFor(press('PageUp', 'PageUp', { scrolling: true })), null);
    assert.equal(shortcutFor(press('PageDown', 'PageDown', { ctrlKey: true })), null);
    assert.equal(shortcutFor(press('PageUp', 'PageUp', { shiftKey: true })), null);
    assert.equal(shortcutFor(press('PageUp', 'PageUp', { altKey: true })), null);
  });

  test('MEET-LAYOUT: the help lists the page keys, fn+↑ and fn+↓ on a Mac', () => {
    const page = SHORTCUTS.find((s) => s.action === 'nextPage');
    assert.equal(page?.label, 'Next page of participants');
    assert.deepEqual(page?.keys(false), ['Page Down']);
    assert.deepEqual(page?.keys(true), ['fn', '↓']);
    assert.deepEqual(SHORTCUTS.find((s) => s.action === 'previousPage')?.keys(false), ['Page Up']);
  });
});
