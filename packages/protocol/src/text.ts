import { z } from 'zod';

/**
 * The one rule for free text that people show each other: display names (guests included), meeting
 * and organisation names, descriptions. A name must look the same to everyone and cannot hide
 * anything, so the text is normalised to NFC, any kind of space becomes a plain space, and it is
 * refused when it holds characters that are invisible or that change how surrounding text is drawn:
 * controls (NUL and C1 included), format characters (bidi overrides and isolates, zero-width space,
 * BOM, tag characters), line and paragraph separators, private-use, unassigned and default-ignorable
 * code points (e.g. the Hangul filler). Three joiners are kept where writing needs them: ZWJ inside
 * an emoji sequence, ZWNJ between letters (Persian, Indic scripts) and emoji variation selectors.
 * Length counts graphemes (what a person sees as one character), not UTF-16 units.
 */
export interface TextRule {
  /** Used in messages: "Name", "Meeting name"… */
  label: string;
  /** At least this many graphemes after trimming (0 allows empty text). */
  min: number;
  max: number;
  /** Descriptions may hold line breaks; names may not. */
  multiline?: boolean;
}

/** More combining marks than this on one character is a "Zalgo" tower, not writing. */
const MAX_MARKS_PER_GRAPHEME = 6;
/** Before any work, input is cut off at this many UTF-16 units per allowed grapheme. */
const MAX_UNITS_PER_GRAPHEME = 16;

const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
const ZWJ = '\u200d';
const ZWNJ = '\u200c';
const VARIATION_SELECTORS = new Set(['\ufe0e', '\ufe0f']);
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const EMOJI = /\p{Emoji}/u;
const EMOJI_TAIL = /[\p{Emoji_Modifier}\ufe0f]/u;
const LETTER_OR_MARK = /[\p{L}\p{M}]/u;
const LETTER = /\p{L}/u;
const MARK = /\p{M}/u;
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Counts what a person sees as characters. */
export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/**
 * NFC, every kind of space a plain one, trimmed, runs of spaces collapsed. Only spaces are touched:
 * a BOM, tab or line break in a name is left for the rule to refuse, not quietly removed. In
 * multi-line text, line breaks are unified to \n and tabs become spaces.
 */
export function normaliseText(text: string, multiline = false): string {
  let t = text.normalize('NFC').replace(/\p{Zs}/gu, ' ');
  if (multiline) {
    t = t
      .replace(/\r\n?/g, '\n')
      .replace(/\t/g, ' ')
      .split('\n')
      .map((line) => line.replace(/ +$/, ''))
      .join('\n');
    return t.replace(/^[ \n]+|[ \n]+$/g, '');
  }
  return t.replace(/ {2,}/g, ' ').replace(/^ | $/g, '');
}

/** Why the text breaks the rule, or null when it keeps it. The text must be normalised already. */
export function textProblem(text: string, rule: TextRule): string | null {
  const chars = [...text];
  for (const [i, c] of chars.entries()) {
    if (rule.multiline && c === '\n') continue;
    if (!FORBIDDEN.test(c) || isWantedJoiner(chars, i)) continue;
    return `${rule.label} cannot contain invisible or control characters (U+${hex(c)})`;
  }
  const length = graphemeLength(text);
  if (length < rule.min)
    return rule.min === 1 ? `Enter a ${rule.label.toLowerCase()}` : `${rule.label} is too short`;
  if (length > rule.max) return `${rule.label} can be at most ${rule.max} characters`;
  if (rule.min > 0 && !VISIBLE.test(text)) return `${rule.label} needs at least one letter, digit or symbol`;
  if (chars[0] !== undefined && MARK.test(chars[0])) {
    return `${rule.label} cannot start with a combining mark`;
  }
  for (const { segment } of segmenter.segment(text)) {
    let marks = 0;
    for (const c of segment) if (MARK.test(c)) marks++;
    if (marks > MAX_MARKS_PER_GRAPHEME) return `${rule.label} has too many accents on one character`;
  }
  return null;
}

function isWantedJoiner(chars: readonly string[], i: number): boolean {
  const c = chars[i]!;
  const before = chars[i - 1];
  const after = chars[i + 1];
  if (c === ZWJ) {
    return (
      before !== undefined &&
      after !== undefined &&
      (PICTOGRAPHIC.test(before) || EMOJI_TAIL.test(before)) &&
      PICTOGRAPHIC.test(after)
    );
  }
  if (c === ZWNJ) {
    return before !== undefined && after !== undefined && LETTER_OR_MARK.test(before) && LETTER.test(after);
  }
  if (VARIATION_SELECTORS.has(c))
    return before !== undefined && EMOJI.test(before) && !FORBIDDEN.test(before);
  return false;
}

function hex(c: string): string {
  return c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

/** A zod schema applying the rule: normalises, then refuses with a message naming the problem. */
export function textSchema(rule: TextRule) {
  return z
    .string()
    .max(rule.max * MAX_UNITS_PER_GRAPHEME, `${rule.label} can be at most ${rule.max} characters`)
    .transform((t) => normaliseText(t, rule.multiline))
    .superRefine((t, ctx) => {
      const problem = textProblem(t, rule);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

export const DISPLAY_NAME_RULE: TextRule = { label: 'Name', min: 1, max: 64 };
export const MEETING_NAME_RULE: TextRule = { label: 'Meeting name', min: 1, max: 120 };
export const MEETING_DESCRIPTION_RULE: TextRule = {
  label: 'Description',
  min: 0,
  max: 2000,
  multiline: true,
};
export const ORGANISATION_NAME_RULE: TextRule = { label: 'Organisation name', min: 1, max: 100 };
