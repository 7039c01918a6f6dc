import { CHAT_MESSAGE_RULE, graphemeLength, normaliseText, textProblem } from '@conclave/protocol';
import type { KeyboardEvent } from 'react';

/** What the server would store of a typed message, or why it would refuse it (the one text rule). */
export function checkMessage(text: string): { body: string; problem: string | null } {
  const body = normaliseText(text, true);
  return { body, problem: textProblem(body, CHAT_MESSAGE_RULE) };
}

/** Characters left under the limit, once few are left; null before. */
export function charactersLeft(text: string): number | null {
  // Counting graphemes costs; only long texts can be near the limit.
  if (text.length < CHAT_MESSAGE_RULE.max - 500) return null;
  const left = CHAT_MESSAGE_RULE.max - graphemeLength(text);
  return left < 500 ? left : null;
}

/** Enter sends, Shift+Enter starts a new line (and Enter that ends an IME composition only ends it). */
export function sendOnEnter(e: KeyboardEvent<HTMLTextAreaElement>, send: () => void): void {
  if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
  e.preventDefault();
  send();
}
