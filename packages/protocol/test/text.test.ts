import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DISPLAY_NAME_RULE, MEETING_DESCRIPTION_RULE, textSchema } from '../src/index';

const name = textSchema(DISPLAY_NAME_RULE);
const description = textSchema(MEETING_DESCRIPTION_RULE);
const accepts = (input: string, output = input) => {
  const r = name.safeParse(input);
  assert.ok(r.success, `${JSON.stringify(input)}: ${r.error?.issues[0]?.message}`);
  assert.equal(r.data, output);
};
const refuses = (input: string, message: RegExp) => {
  const r = name.safeParse(input);
  assert.equal(r.success, false, `${JSON.stringify(input)} was accepted as ${JSON.stringify(r.data)}`);
  assert.match(r.error.issues[0]!.message, message);
};

describe('the text rule for names (IAM-GUEST, MEET-CREATE)', () => {
  test('IAM-GUEST: ordinary names in any script pass, normalised to NFC with plain single spaces', () => {
    accepts('Ada Lovelace');
    accepts('  Ada \u00a0  Lovelace\u3000', 'Ada Lovelace');
    accepts('Zoe\u0308', 'Zoë');
    accepts('李小龍');
    accepts('محمد');
    accepts('می\u200cخواهم'); // ZWNJ between letters is how Persian is written
    accepts('Ana 👩\u200d💻'); // an emoji ZWJ sequence
    accepts('❤\ufe0f team');
  });

  test('IAM-GUEST: bidi overrides and isolates are refused', () => {
    for (const c of [
      '\u202a',
      '\u202b',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      '\u200f',
    ]) {
      refuses(`Ada${c}evil`, /invisible or control/);
    }
  });

  test('IAM-GUEST: zero-width characters, BOM, tags and fillers are refused wherever they are', () => {
    for (const c of ['\u200b', '\u2060', '\ufeff', '\u00ad', '\u034f', '\u{e0041}', '\u3164', '\u115f']) {
      refuses(`${c}Ada`, /invisible or control/);
      refuses(`Ada${c}`, /invisible or control/);
      refuses(`A${c}da`, /invisible or control/);
    }
    refuses('Ada\u200d', /invisible or control/); // a ZWJ that joins nothing
    refuses('a\u200cb\u200c', /invisible or control/);
  });

  test('IAM-GUEST: controls are refused: NUL, C0, DEL, C1, line and paragraph separators', () => {
    for (const c of [
      '\u0000',
      '\u0007',
      '\t',
      '\n',
      '\r',
      '\u007f',
      '\u0085',
      '\u009b',
      '\u2028',
      '\u2029',
    ]) {
      refuses(`Ada${c}Lovelace`, /invisible or control/);
    }
  });

  test('IAM-GUEST: length counts graphemes, and a name needs something visible', () => {
    accepts('👩\u200d👩\u200d👧\u200d👦'.repeat(64));
    refuses('👩\u200d👩\u200d👧\u200d👦'.repeat(65), /at most 64/);
    refuses('x'.repeat(65), /at most 64/);
    refuses('   ', /Enter a name/);
    refuses('', /Enter a name/);
    refuses('\u0301Ada', /combining mark/);
    refuses(`Z${'\u0301'.repeat(12)}algo`, /too many accents/);
  });

  test('MEET-CREATE: descriptions keep their lines but follow the same rule', () => {
    assert.equal(description.parse('Agenda:\r\n\t1. Budget  \r\n\r\n'), 'Agenda:\n 1. Budget');
    assert.equal(description.parse(''), '');
    assert.equal(description.safeParse('Agenda\u202e').success, false);
    assert.equal(description.safeParse('Agenda\u0000').success, false);
  });
});
