/** What a keyboard shortcut does in the meeting. */
export type ShortcutAction =
  'microphone' | 'camera' | 'hand' | 'participants' | 'chat' | 'previousPage' | 'nextPage' | 'help';

export interface Shortcut {
  action: ShortcutAction;
  /** What it does, for the help dialog. */
  label: string;
  /** The keys, as the help dialog shows them (Ctrl becomes ⌘ on a Mac). */
  keys: (mac: boolean) => string[];
}

const mod = (mac: boolean) => (mac ? '⌘' : 'Ctrl');
const alt = (mac: boolean) => (mac ? '⌥' : 'Alt');

/**
 * The meeting's shortcuts: Ctrl/⌘+D and Ctrl/⌘+E as in Google Meet, Alt+Y, Alt+U and Alt+H as in Zoom, and
 * Page Up / Page Down through the pages of a large meeting as in Zoom's gallery (on a Mac keyboard
 * without those keys, fn+↑ and fn+↓ type them). None uses Insert, Caps Lock or Ctrl+Alt, which
 * screen readers (NVDA, JAWS, VoiceOver) take.
 */
export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'microphone', label: 'Mute or unmute your microphone', keys: (mac) => [mod(mac), 'D'] },
  { action: 'camera', label: 'Turn your camera on or off', keys: (mac) => [mod(mac), 'E'] },
  { action: 'hand', label: 'Raise or lower your hand', keys: (mac) => [alt(mac), 'Y'] },
  { action: 'participants', label: 'Show or hide the participants', keys: (mac) => [alt(mac), 'U'] },
  { action: 'chat', label: 'Show or hide the chat', keys: (mac) => [alt(mac), 'H'] },
  {
    action: 'previousPage',
    label: 'Previous page of participants',
    keys: (mac) => (mac ? ['fn', '↑'] : ['Page Up']),
  },
  {
    action: 'nextPage',
    label: 'Next page of participants',
    keys: (mac) => (mac ? ['fn', '↓'] : ['Page Down']),
  },
  { action: 'help', label: 'Show the keyboard shortcuts', keys: () => ['?'] },
];

/** The part of a keyboard event a shortcut is read from. */
export interface KeyInput {
  key: string;
  /** The physical key: Option on a Mac changes `key` (Option+Y types ¥), not `code`. */
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** The focused element is a text field (input, textarea, select, contenteditable). */
  typing: boolean;
  /** The focused element is inside something that scrolls (the Participants panel): Page Up and Page Down are its own. */
  scrolling: boolean;
}

/** The action a key press asks for, or null. Nothing is a shortcut while typing in a text field. */
export function shortcutFor(e: KeyInput): ShortcutAction | null {
  if (e.typing) return null;
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && !e.altKey && !e.shiftKey) {
    if (e.code === 'KeyD' || e.key.toLowerCase() === 'd') return 'microphone';
    if (e.code === 'KeyE' || e.key.toLowerCase() === 'e') return 'camera';
    return null;
  }
  if (e.altKey && !ctrl && !e.shiftKey) {
    if (e.code === 'KeyY') return 'hand';
    if (e.code === 'KeyU') return 'participants';
    if (e.code === 'KeyH') return 'chat';
    return null;
  }
  if (!ctrl && !e.altKey && e.key === '?') return 'help';
  if (!ctrl && !e.altKey && !e.shiftKey && !e.scrolling) {
    if (e.key === 'PageUp') return 'previousPage';
    if (e.key === 'PageDown') return 'nextPage';
  }
  return null;
}

/** Whether the focused element is inside a region that scrolls, where Page Up and Page Down scroll it. */
export function isScrolling(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  for (let el: HTMLElement | null = target; el; el = el.parentElement) {
    const overflow = getComputedStyle(el).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && el.scrollHeight > el.clientHeight) return true;
  }
  return false;
}

/** Whether keys typed now go into a text field (where shortcuts stay out of the way). */
export function isTyping(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset', 'color', 'file'].includes(
      target.type,
    );
  }
  return false;
}
