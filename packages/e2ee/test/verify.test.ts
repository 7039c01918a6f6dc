import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { argon2id } from 'hash-wasm';
import {
  CODEWORD_DERIVATION,
  codewordOf,
  EPOCH_AUTHENTICATOR_MIN_BYTES,
  InvalidEpochAuthenticatorError,
  InvalidIdentityKeyError,
  SECURITY_CODE_BITS,
  securityCodeOf,
} from '../src/index';
import { fromHex } from '../src/sframe/bytes';
import { BoundedMemo } from '../src/verify/memo';
import { OneAtATime } from '../src/verify/one-at-a-time';
import { proquintOf, proquintValue } from '../src/verify/proquint';

/**
 * A P-256 identity public key made once with WebCrypto (generateKey, exportKey 'raw'). Its Codeword was
 * computed apart from this code too: the reference Argon2 command line (`argon2 conclave/codeword/v1
 * -id -t 2 -k 19456 -p 1 -l 8 -r` gives 3f3d9c38d4f4ad10) and proquints written out by hand.
 */
const PINNED_KEY = fromHex(
  '048222a4ab4be9ff062e514497de1352e7d95a2daf6c4dff63129b846e8467ab' +
    'd0a6cae6da619ddc1ce3f1aeec272d99cede8cd74928a5c7c5d15c933946900b57',
);
const PINNED_CODEWORD = 'gusut nubum tiguh puhib';
const PINNED_OUTPUT = '3f3d9c38d4f4ad10';

async function newIdentityKey(): Promise<Uint8Array> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('Codeword', () => {
  test('E2EE-CODEWORD: a known identity key always shows the same four words, pinned', async () => {
    const codeword = await codewordOf(PINNED_KEY);
    assert.equal(codeword.text, PINNED_CODEWORD);
    assert.deepEqual(codeword.words, PINNED_CODEWORD.split(' '));
    assert.equal(codeword.glance, 'gusut', 'the first word is the quick look');
    assert.equal(
      (await codewordOf(PINNED_KEY.slice())).text,
      PINNED_CODEWORD,
      'a copy of the key, same words',
    );
  });

  test('E2EE-CODEWORD: different identity keys show different Codewords', async () => {
    const keys = await Promise.all([newIdentityKey(), newIdentityKey(), newIdentityKey()]);
    const texts = await Promise.all(keys.map(async (k) => (await codewordOf(k)).text));
    assert.equal(new Set([...texts, PINNED_CODEWORD]).size, 4, texts.join(' / '));
    for (const text of texts) assert.match(text, /^([a-z]{5} ){3}[a-z]{5}$/);
  });

  test('E2EE-CODEWORD: the Argon2id parameters in force are the documented ones, memo or not', async () => {
    assert.equal(CODEWORD_DERIVATION.algorithm, 'argon2id');
    assert.equal(CODEWORD_DERIVATION.label, 'conclave/codeword/v1');
    assert.ok(CODEWORD_DERIVATION.memoryKiB >= 19 * 1024, 'at least 19 MiB per evaluation');
    assert.ok(CODEWORD_DERIVATION.iterations >= 2);
    assert.equal(CODEWORD_DERIVATION.parallelism, 1);
    assert.equal(CODEWORD_DERIVATION.outputBytes * 8, 64);
    assert.ok(Object.isFrozen(CODEWORD_DERIVATION), 'nobody can lower them at run time');

    const key = await newIdentityKey();
    const direct = (memoryKiB: number) =>
      argon2id({
        password: key,
        salt: CODEWORD_DERIVATION.label,
        memorySize: memoryKiB,
        iterations: CODEWORD_DERIVATION.iterations,
        parallelism: CODEWORD_DERIVATION.parallelism,
        hashLength: CODEWORD_DERIVATION.outputBytes,
        outputType: 'binary',
      });
    const expected = await direct(CODEWORD_DERIVATION.memoryKiB);
    const first = await codewordOf(key);
    const again = await codewordOf(key);
    assert.equal(again, first, 'the second call is answered from the memo');
    assert.equal(hex(wordsToBytes(first.words)), hex(expected), 'Argon2id at the documented parameters');
    assert.notEqual(hex(await direct(CODEWORD_DERIVATION.memoryKiB / 2)), hex(expected), 'memory matters');
    assert.throws(
      () => (first.words as string[]).push('extra'),
      TypeError,
      'the memo hands out frozen words',
    );
  });

  test('E2EE-CODEWORD: the Argon2id used gives the reference implementation’s published result', async () => {
    // P-H-C/phc-winner-argon2 src/test.c: Argon2id v1.3, t=2, m=256 KiB, p=1, "password", "somesalt".
    const tag = await argon2id({
      password: 'password',
      salt: 'somesalt',
      iterations: 2,
      memorySize: 256,
      parallelism: 1,
      hashLength: 32,
      outputType: 'binary',
    });
    assert.equal(hex(tag), '9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe');
  });

  test('E2EE-CODEWORD: 64 bits: 2^16 distinct words, and the words decode back to the 8 derived bytes', async () => {
    const words = new Set<string>();
    for (let v = 0; v <= 0xffff; v++) {
      const word = proquintOf(v);
      assert.equal(proquintValue(word), v);
      words.add(word);
    }
    assert.equal(words.size, 2 ** 16);
    // The proquint paper's own examples, IPv4 addresses as two words.
    assert.equal(proquintOf(0x7f00) + ' ' + proquintOf(0x0001), 'lusab babad');
    assert.equal(proquintOf(0x3f54) + ' ' + proquintOf(0xdcc1), 'gutih tugad');
    assert.equal(proquintValue('lusae'), null);
    assert.equal(proquintValue('lusabb'), null);

    const codeword = await codewordOf(PINNED_KEY);
    assert.equal(codeword.words.length, 4);
    assert.equal(hex(wordsToBytes(codeword.words)), PINNED_OUTPUT);
  });

  test('E2EE-CODEWORD: anything but a raw uncompressed P-256 public key is refused', async () => {
    const offCurve = PINNED_KEY.slice();
    offCurve[64]! ^= 0x01;
    const wrongPrefix = PINNED_KEY.slice();
    wrongPrefix[0] = 0x05;
    const compressed = new Uint8Array([0x02 | (PINNED_KEY[64]! & 1), ...PINNED_KEY.subarray(1, 33)]);
    const cases: Record<string, Uint8Array> = {
      empty: new Uint8Array(0),
      compressed,
      'X and Y without the prefix': PINNED_KEY.subarray(1),
      'one byte too many': new Uint8Array([...PINNED_KEY, 0]),
      'prefix other than 0x04': wrongPrefix,
      'a point off the curve': offCurve,
    };
    for (const [name, bad] of Object.entries(cases)) {
      await assert.rejects(codewordOf(bad), InvalidIdentityKeyError, name);
    }
  });

  test('E2EE-CODEWORD: the memo stays within its bound, forgets the least recent, and retries a failure', async () => {
    const memo = new BoundedMemo<string>(2);
    let computed = 0;
    const compute = (v: string) => () => {
      computed++;
      return Promise.resolve(v);
    };
    await memo.get('a', compute('A'));
    await memo.get('b', compute('B'));
    await memo.get('a', compute('A'));
    await memo.get('c', compute('C'));
    assert.equal(memo.size, 2);
    assert.equal(computed, 3, 'a was remembered');
    assert.equal(await memo.get('a', compute('A')), 'A');
    assert.equal(computed, 3, 'a, used last, was kept; b went');
    await memo.get('b', compute('B'));
    assert.equal(computed, 4);

    await assert.rejects(memo.get('x', () => Promise.reject(new Error('wasm blocked'))));
    assert.equal(await memo.get('x', compute('X')), 'X');
  });

  test('E2EE-CODEWORD: a roster is derived one key at a time, in order, and one failure does not stop the rest', async () => {
    const queue = new OneAtATime();
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task =
      (n: number, fail = false) =>
      async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running--;
        order.push(n);
        if (fail) throw new Error(`task ${n} failed`);
        return n;
      };
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => queue.run(task(n, n === 2))));
    assert.equal(most, 1, 'never two Argon2id memories at once');
    assert.deepEqual(order, [1, 2, 3, 4]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );

    const keys = await Promise.all([newIdentityKey(), newIdentityKey()]);
    const together = await Promise.all(keys.map((k) => codewordOf(k)));
    assert.notEqual(together[0]!.text, together[1]!.text);
  });
});

describe('Security code', () => {
  const authenticator = Uint8Array.from({ length: 32 }, (_, i) => i);

  test('E2EE-SECURITY-CODE: an epoch authenticator shows as 8 groups of 4 digits, pinned', () => {
    const code = securityCodeOf(authenticator);
    // 0x00010203 = 66051 → 6051, 0x04050607 = 67438087 → 8087, …
    assert.equal(code.text, '6051 8087 0123 2159 4195 6231 8267 0303');
    assert.deepEqual(code.text.split(' '), code.groups);
    for (const group of code.groups) assert.match(group, /^\d{4}$/);
    assert.equal(securityCodeOf(new Uint8Array(32).fill(0xff)).text, Array(8).fill('7295').join(' '));
  });

  test('E2EE-SECURITY-CODE: members of different groups or epochs see different codes', () => {
    const other = authenticator.slice();
    other[31]! ^= 0x01;
    assert.notEqual(securityCodeOf(other).text, securityCodeOf(authenticator).text);
    const random = () => securityCodeOf(crypto.getRandomValues(new Uint8Array(32))).text;
    assert.notEqual(random(), random());
  });

  test('E2EE-SECURITY-CODE: the code carries at least 100 bits, as its format shows', () => {
    const { groups } = securityCodeOf(authenticator);
    const fromFormat = groups.length * groups[0]!.length * Math.log2(10);
    assert.equal(SECURITY_CODE_BITS, fromFormat);
    assert.ok(SECURITY_CODE_BITS >= 100, `${SECURITY_CODE_BITS} bits`);
  });

  test('E2EE-SECURITY-CODE: an authenticator too short for 100 bits is refused; a longer one uses its start', () => {
    assert.equal(EPOCH_AUTHENTICATOR_MIN_BYTES, 32);
    assert.throws(() => securityCodeOf(new Uint8Array(31)), InvalidEpochAuthenticatorError);
    assert.throws(() => securityCodeOf(new Uint8Array(0)), InvalidEpochAuthenticatorError);
    const sha512Sized = new Uint8Array(64);
    sha512Sized.set(authenticator);
    assert.equal(securityCodeOf(sha512Sized).text, securityCodeOf(authenticator).text);
    const inside = new Uint8Array(40);
    inside.set(authenticator, 8);
    assert.equal(
      securityCodeOf(inside.subarray(8)).text,
      securityCodeOf(authenticator).text,
      'a view at an offset',
    );
  });
});

function wordsToBytes(words: readonly string[]): Uint8Array {
  const out = new Uint8Array(words.length * 2);
  words.forEach((word, i) => {
    const value = proquintValue(word);
    assert.notEqual(value, null, word);
    out[2 * i] = value! >> 8;
    out[2 * i + 1] = value! & 0xff;
  });
  return out;
}
