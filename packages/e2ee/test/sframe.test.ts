import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  checkVectors,
  CipherSuite,
  decodeHeader,
  deriveSFrameKey,
  encodeHeader,
  REPLAY_WINDOW,
  SFrameReceiver,
  SFrameSender,
  type CipherSuiteId,
} from '../src/index';
import { frameNonce } from '../src/sframe/frame';

const here = dirname(fileURLToPath(import.meta.url));
const VECTORS = join(here, '../../../../shared/testdata/sframe/rfc9605-vectors.json');
const text = (s: string) => new TextEncoder().encode(s);
const baseKey = Uint8Array.from({ length: 32 }, (_, i) => i);

describe('SFrame (RFC 9605)', () => {
  test('E2EE-FRAME: the SFrame code passes the RFC 9605 test vectors (header, aes_ctr_hmac, sframe)', async () => {
    const report = await checkVectors(readFileSync(VECTORS, 'utf8'));
    assert.deepEqual(report.failures, []);
    assert.ok(report.passed >= 148, `${report.passed} vectors checked`);
  });

  test('E2EE-FRAME: the conformance command prints "N passed, M failed" and fails on a wrong vector', () => {
    const run = (file: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(here, '../bin/vectors.ts'), file], {
        encoding: 'utf8',
      });
    const good = run(VECTORS);
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stdout, /^\d+ passed, 0 failed$/m);

    const dir = mkdtempSync(join(tmpdir(), 'sframe-vectors-'));
    try {
      // Edited as text: parsing and writing the JSON again would round its 64-bit KIDs and counters.
      const original = readFileSync(VECTORS, 'utf8');
      const sframe = original.indexOf('"sframe"');
      const ct = /"ct"\s*:\s*"([0-9a-f]+)"/.exec(original.slice(sframe))!;
      const at = sframe + ct.index + ct[0].length - 2;
      const flipped = original[at] === '0' ? '1' : '0';
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, original.slice(0, at) + flipped + original.slice(at + 1));
      const bad = run(broken);
      assert.equal(bad.status, 1);
      assert.match(bad.stdout, /^FAIL sframe 0 /m);
      assert.match(bad.stdout, /^\d+ passed, 1 failed$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const suites = Object.entries(CipherSuite) as Array<[string, CipherSuiteId]>;
  for (const [name, id] of suites) {
    test(`E2EE-FRAME: ${name} seals and opens frames; a changed byte or different metadata does not open`, async () => {
      const sender = new SFrameSender(await deriveSFrameKey(id, 7n, baseKey));
      const receiver = new SFrameReceiver();
      receiver.addKey(await deriveSFrameKey(id, 7n, baseKey));
      const metadata = text('rtp header bytes');
      const frame = await sender.encrypt(text('a video frame'), metadata);
      assert.ok(!Buffer.from(frame).includes(Buffer.from('a video frame')), 'the payload is not in clear');

      const tampered = frame.slice();
      tampered[tampered.length - 1]! ^= 0x01;
      assert.deepEqual(await receiver.decrypt(tampered, metadata), { ok: false, reason: 'auth_failed' });
      assert.deepEqual(await receiver.decrypt(frame, text('other metadata')), {
        ok: false,
        reason: 'auth_failed',
      });
      const opened = await receiver.decrypt(frame, metadata);
      assert.ok(opened.ok);
      assert.equal(new TextDecoder().decode(opened.plaintext), 'a video frame');
    });
  }

  test('E2EE-FRAME: KIDs and counters at every length boundary, and around 2^53, survive the header and the nonce', () => {
    const values = [0n, 7n, 8n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n];
    for (let bytes = 1; bytes < 8; bytes++)
      values.push(2n ** BigInt(8 * bytes) - 1n, 2n ** BigInt(8 * bytes));
    const salt = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
    for (const kid of values) {
      for (const ctr of values) {
        const header = encodeHeader({ kid, ctr });
        const decoded = decodeHeader(header);
        assert.deepEqual(
          [decoded.kid, decoded.ctr, decoded.length],
          [kid, ctr, header.length],
          `${kid} ${ctr}`,
        );
      }
      // nonce = salt XOR counter, big-endian over the last bytes
      const nonce = frameNonce(salt, kid);
      let back = 0n;
      for (let i = 0; i < 12; i++) back = (back << 8n) | BigInt(nonce[i]! ^ salt[i]!);
      assert.equal(back, kid);
    }
  });

  test('E2EE-FRAME: a sender never reuses a counter, so never a nonce', async () => {
    const sender = new SFrameSender(await deriveSFrameKey(CipherSuite.AES_128_GCM_SHA256_128, 1n, baseKey));
    const counters: bigint[] = [];
    for (let i = 0; i < 20; i++) counters.push(decodeHeader(await sender.encrypt(text('same frame'))).ctr);
    assert.deepEqual(
      counters,
      Array.from({ length: 20 }, (_, i) => BigInt(i)),
    );
    assert.equal(sender.counter, 20n);
  });

  test('E2EE-FRAME: a frame is accepted once; late frames within the window are accepted, older ones dropped', async () => {
    const key = await deriveSFrameKey(CipherSuite.AES_128_GCM_SHA256_128, 3n, baseKey);
    const sender = new SFrameSender(key);
    const receiver = new SFrameReceiver();
    receiver.addKey(key);
    const frames: Uint8Array[] = [];
    for (let i = 0; i < Number(REPLAY_WINDOW) + 10; i++)
      frames.push(await sender.encrypt(text(`frame ${i}`)));
    const reason = async (i: number) => {
      const r = await receiver.decrypt(frames[i]!);
      return r.ok ? `ok ${r.ctr}` : r.reason;
    };
    assert.equal(await reason(5), 'ok 5');
    assert.equal(await reason(5), 'replayed');
    assert.equal(await reason(2), 'ok 2', 'out of order, within the window');
    assert.equal(await reason(2), 'replayed');
    const last = frames.length - 1;
    assert.equal(await reason(last), `ok ${last}`);
    assert.equal(await reason(3), 'too_old', 'older than the window');
    assert.equal(await reason(last - Number(REPLAY_WINDOW) + 1), `ok ${last - Number(REPLAY_WINDOW) + 1}`);
  });

  test('E2EE-FRAME: frames for a key the receiver does not hold, or cut short, are dropped with a reason', async () => {
    const sender = new SFrameSender(await deriveSFrameKey(CipherSuite.AES_128_GCM_SHA256_128, 9n, baseKey));
    const receiver = new SFrameReceiver();
    receiver.addKey(await deriveSFrameKey(CipherSuite.AES_128_GCM_SHA256_128, 8n, baseKey));
    const frame = await sender.encrypt(text('for someone else'));
    assert.deepEqual(await receiver.decrypt(frame), { ok: false, reason: 'unknown_key' });
    assert.deepEqual(await receiver.decrypt(new Uint8Array(0)), { ok: false, reason: 'malformed' });
    assert.deepEqual(await receiver.decrypt(Uint8Array.of(0x80 | 0x70)), { ok: false, reason: 'malformed' });

    // The right KID with another base key (a member without the group's keys) opens nothing.
    const outsider = new SFrameReceiver();
    outsider.addKey(await deriveSFrameKey(CipherSuite.AES_128_GCM_SHA256_128, 9n, new Uint8Array(32)));
    assert.deepEqual(await outsider.decrypt(frame), { ok: false, reason: 'auth_failed' });
  });
});
