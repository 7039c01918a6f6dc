import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_SIGNAL_MESSAGE_BYTES, parseClientMessage, setupRequestSchema } from '../src/index';

describe('signaling message parsing', () => {
  test('a valid join is typed', () => {
    const r = parseClientMessage(JSON.stringify({ type: 'join', rid: '1', meetingId: 'abc' }));
    assert.equal(r.ok, true);
    assert.equal(r.ok && r.message.type, 'join');
  });

  test('invalid JSON is bad_request', () => {
    const r = parseClientMessage('{nope');
    assert.deepEqual(r, { ok: false, error: { code: 'bad_request', message: 'Message is not valid JSON' } });
  });

  test('an unknown type is unknown_message and keeps the rid', () => {
    const r = parseClientMessage(JSON.stringify({ type: 'format-disk', rid: 'r9' }));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'unknown_message');
    assert.equal(!r.ok && r.error.rid, 'r9');
  });

  test('a wrong field names the field', () => {
    const r = parseClientMessage(
      JSON.stringify({ type: 'setMute', rid: 'x', source: 'camera', muted: 'yes' }),
    );
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'validation_failed');
    assert.equal(!r.ok && r.error.field, 'muted');
  });

  test('an oversized frame is message_too_large, checked before parsing', () => {
    const big = JSON.stringify({ type: 'publish', sdp: 'x'.repeat(MAX_SIGNAL_MESSAGE_BYTES), tracks: [] });
    const r = parseClientMessage(big);
    assert.equal(!r.ok && r.error.code, 'message_too_large');
  });

  test('multi-byte characters count as bytes, not characters', () => {
    const sdp = 'é'.repeat(MAX_SIGNAL_MESSAGE_BYTES / 2);
    const r = parseClientMessage(JSON.stringify({ type: 'subscriptionAnswer', sdp }));
    assert.equal(!r.ok && r.error.code, 'message_too_large');
  });

  test('publish needs at least one track with a known source', () => {
    const r = parseClientMessage(
      JSON.stringify({ type: 'publish', sdp: 'v=0', tracks: [{ mid: '0', source: 'screen-of-doom' }] }),
    );
    assert.equal(!r.ok && r.error.code, 'validation_failed');
    assert.equal(!r.ok && r.error.field, 'tracks.0.source');
  });
});

describe('API schemas', () => {
  test('IAM-LOCAL: the email is normalised and a short password refused', () => {
    const ok = setupRequestSchema.safeParse({
      organisationName: 'Acme',
      email: '  Ada@Example.ORG ',
      password: 'correct horse battery',
      displayName: 'Ada',
    });
    assert.equal(ok.success && ok.data.email, 'ada@example.org');
    const short = setupRequestSchema.safeParse({
      organisationName: 'Acme',
      email: 'ada@example.org',
      password: 'short',
      displayName: 'Ada',
    });
    assert.equal(short.success, false);
    assert.deepEqual(short.error?.issues[0]?.path, ['password']);
  });

  test('IAM-GUEST: a display name with control characters is refused', () => {
    const r = setupRequestSchema.shape.displayName.safeParse('Eve\u0000');
    assert.equal(r.success, false);
  });
});

describe('NET-REGIONS: region round-trip times in the join', () => {
  const join = (regionRtts: unknown) =>
    parseClientMessage(JSON.stringify({ type: 'join', meetingId: 'abc', regionRtts }));

  test('NET-REGIONS: a join may carry the measured round trip to each region', () => {
    const r = join({ 'eu-west': 12.5, b: 80 });
    assert.equal(r.ok, true);
    assert.deepEqual(r.ok && r.message.type === 'join' && r.message.regionRtts, { 'eu-west': 12.5, b: 80 });
  });

  test('NET-REGIONS: a region that is not a region name, a negative or absurd time, or too many regions are refused', () => {
    for (const [bad, field] of [
      [{ 'EU West': 10 }, 'regionRtts.EU West'],
      [{ a: -1 }, 'regionRtts.a'],
      [{ a: 'fast' }, 'regionRtts.a'],
      [{ a: 3_600_000 }, 'regionRtts.a'],
      [Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`r${i}`, 1])), 'regionRtts'],
      [[10, 20], 'regionRtts'],
    ] as const) {
      const r = join(bad);
      assert.equal(!r.ok && r.error.code, 'validation_failed', JSON.stringify(bad));
      assert.equal(!r.ok && r.error.field, field, JSON.stringify(bad));
    }
  });
});
