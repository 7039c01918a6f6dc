import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { hashPassword } from '../src/auth';
import { ManualClock } from '../src/common/clock';
import { memoryLimiters } from '../src/common/rate-limit';
import type { GuestPrincipal, MeetingRecord, UserPrincipal } from '../src/domain';
import { PasscodeGate } from '../src/meetings';
import { outcome } from './support/refusal';

const LIMITS = {
  perClient: { free: 3, initialDelayMs: 10_000, maxDelayMs: 60_000, forgetAfterMs: 3600_000 },
  perMeeting: { limit: 6, windowMs: 60_000 },
};

const user = (userId: string, role: UserPrincipal['role'], organisationId = 'org'): UserPrincipal => ({
  kind: 'user',
  userId,
  organisationId,
  displayName: userId,
  role,
  sessionId: `s-${userId}`,
});
const guest: GuestPrincipal = {
  kind: 'guest',
  guestId: 'g',
  organisationId: 'org',
  meetingId: 'm1',
  displayName: 'Guest',
};

describe('the passcode check at a meeting’s door', () => {
  let meeting: MeetingRecord;
  before(async () => {
    meeting = {
      id: 'm1',
      organisationId: 'org',
      ownerId: 'owner',
      lobby: 'off',
      name: 'Board',
      e2ee: false,
      e2eeAnchorKey: null,
      passcodeHash: await hashPassword('246810'),
    };
  });

  test('MEET-PASSCODE: the owner, Superusers and Administrators of the organisation need none; everyone else does', async () => {
    const gate = new PasscodeGate(memoryLimiters(new ManualClock()), LIMITS);
    for (const p of [user('owner', 'user'), user('su', 'superuser'), user('admin', 'administrator')]) {
      assert.equal(await outcome(gate.admit(meeting, p, undefined, '10.0.0.1')), 'admitted', p.userId);
    }
    for (const p of [user('bob', 'user'), guest, null, user('admin', 'administrator', 'other-org')]) {
      assert.equal(await outcome(gate.admit(meeting, p, undefined, '10.0.0.1')), 'passcode_required');
    }
    assert.equal(await outcome(gate.admit(meeting, guest, '246810', '10.0.0.1')), 'admitted');
    assert.equal(await outcome(gate.admit(meeting, guest, '246811', '10.0.0.1')), 'passcode_wrong');
    const open = { ...meeting, passcodeHash: null };
    assert.equal(await outcome(gate.admit(open, guest, undefined, '10.0.0.1')), 'admitted');
  });

  test('MEET-PASSCODE: one client gets a few free guesses, then growing waits; a right passcode starts it afresh', async () => {
    const clock = new ManualClock();
    const gate = new PasscodeGate(memoryLimiters(clock), LIMITS);
    const guess = (code: string) => outcome(gate.admit(meeting, guest, code, '10.0.0.2'));
    assert.deepEqual(
      [await guess('1111'), await guess('2222'), await guess('3333')],
      ['passcode_wrong', 'passcode_wrong', 'passcode_wrong'],
    );
    assert.equal(await guess('246810'), 'rate_limited', 'then even the right one must wait');
    clock.advance(10_000);
    assert.equal(await guess('5555'), 'passcode_wrong');
    clock.advance(10_000);
    assert.equal(await guess('246810'), 'rate_limited', 'the wait doubled');
    clock.advance(10_000);
    assert.equal(await guess('246810'), 'admitted');
    assert.equal(await guess('6666'), 'passcode_wrong', 'afresh after a right one');
    // Another client is not slowed by this one.
    assert.equal(await outcome(gate.admit(meeting, guest, '246810', '10.0.0.3')), 'admitted');
  });

  test('MEET-PASSCODE: guesses spread over many addresses are capped per meeting; right passcodes do not count', async () => {
    const clock = new ManualClock();
    const gate = new PasscodeGate(memoryLimiters(clock), LIMITS);
    assert.equal(await outcome(gate.admit(meeting, guest, '246810', '10.1.0.0')), 'admitted');
    const wrong: string[] = [];
    for (let i = 1; i <= 8; i++) wrong.push(await outcome(gate.admit(meeting, guest, '0000', `10.1.0.${i}`)));
    assert.deepEqual(wrong, [...Array(6).fill('passcode_wrong'), 'rate_limited', 'rate_limited']);
    // Everyone without an exemption waits for the window; the owner does not.
    assert.equal(await outcome(gate.admit(meeting, guest, '246810', '10.2.0.1')), 'rate_limited');
    assert.equal(
      await outcome(gate.admit(meeting, user('owner', 'user'), undefined, '10.2.0.1')),
      'admitted',
    );
    clock.advance(60_000);
    assert.equal(await outcome(gate.admit(meeting, guest, '246810', '10.2.0.1')), 'admitted');
  });

  test('MEET-PASSCODE: 50 guesses at once from one client are counted before any is checked: 3 checked, 47 refused', async () => {
    const gate = new PasscodeGate(memoryLimiters(new ManualClock()), LIMITS);
    const guesses = Array.from({ length: 50 }, (_, i) => String(100_000 + i));
    guesses[49] = '246810';
    const results = await Promise.all(guesses.map((g) => outcome(gate.admit(meeting, guest, g, '10.3.0.1'))));
    const count = (code: string) => results.filter((r) => r === code).length;
    assert.equal(count('passcode_wrong') + count('admitted'), 3, JSON.stringify(results));
    assert.equal(count('rate_limited'), 47);
    assert.equal(results[49], 'rate_limited', 'the right guess came too late to be checked');
  });
});
