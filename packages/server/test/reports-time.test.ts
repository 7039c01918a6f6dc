import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secondsByHour, usageSubject } from '../src/reports/hours';
import { dayOfHour, firstHourOf, startOfDay } from '../src/reports/zones';
import { usageCsv } from '../src/reports/csv';

const iso = (ms: number) => new Date(ms).toISOString();

test('ADM-USAGE: time in a meeting is split at each UTC hour, and the pieces add up to the whole to the second', () => {
  const pieces = secondsByHour(new Date('2026-03-02T09:40:00.400Z'), new Date('2026-03-02T11:05:30.700Z'));
  assert.deepEqual(pieces, [
    { hour: '2026-03-02T09:00:00.000Z', seconds: 20 * 60 },
    { hour: '2026-03-02T10:00:00.000Z', seconds: 3600 },
    { hour: '2026-03-02T11:00:00.000Z', seconds: 5 * 60 + 31 },
  ]);
  const whole =
    Math.round(Date.parse('2026-03-02T11:05:30.700Z') / 1000) -
    Math.round(Date.parse('2026-03-02T09:40:00.400Z') / 1000);
  assert.equal(
    pieces.reduce((s, p) => s + p.seconds, 0),
    whole,
  );
  assert.deepEqual(secondsByHour(new Date('2026-03-02T10:00:00Z'), new Date('2026-03-02T09:00:00Z')), []);
});

test('ADM-USAGE: every guest sums as one "guest"; people and room systems by their own id', () => {
  assert.equal(usageSubject('g:abc'), 'guest');
  assert.equal(usageSubject('u:abc'), 'u:abc');
  assert.equal(usageSubject('r:abc'), 'r:abc');
});

test('ADM-USAGE: a local day begins at its own midnight, across a change of the clocks', () => {
  // Berlin: UTC+1 in winter, UTC+2 from 29 March 2026 (02:00 local becomes 03:00).
  assert.equal(iso(startOfDay('2026-03-28', 'Europe/Berlin')), '2026-03-27T23:00:00.000Z');
  assert.equal(iso(startOfDay('2026-03-29', 'Europe/Berlin')), '2026-03-28T23:00:00.000Z');
  assert.equal(iso(startOfDay('2026-03-30', 'Europe/Berlin')), '2026-03-29T22:00:00.000Z');
  // New York, autumn: 1 November 2026 has 25 hours.
  assert.equal(iso(startOfDay('2026-11-01', 'America/New_York')), '2026-11-01T04:00:00.000Z');
  assert.equal(iso(startOfDay('2026-11-02', 'America/New_York')), '2026-11-02T05:00:00.000Z');
  assert.equal(iso(startOfDay('2026-06-01', 'UTC')), '2026-06-01T00:00:00.000Z');
  assert.equal(iso(startOfDay('2026-06-01', 'Asia/Kolkata')), '2026-05-31T18:30:00.000Z');
  assert.equal(iso(startOfDay('2026-06-01', 'Pacific/Auckland')), '2026-05-31T12:00:00.000Z');
});

test('ADM-USAGE: an hour counts on the local day its middle falls in, so the hours of a period join up', () => {
  assert.equal(iso(firstHourOf('2026-03-29', 'Europe/Berlin')), '2026-03-28T23:00:00.000Z');
  assert.equal(iso(firstHourOf('2026-03-30', 'Europe/Berlin')), '2026-03-29T22:00:00.000Z');
  // India is UTC+5:30: 18:00–19:00 UTC is 23:30–00:30; its middle is midnight, so it counts on the later day.
  assert.equal(dayOfHour(Date.parse('2026-05-31T18:00:00Z'), 'Asia/Kolkata'), '2026-06-01');
  assert.equal(dayOfHour(Date.parse('2026-05-31T17:00:00Z'), 'Asia/Kolkata'), '2026-05-31');
  assert.equal(iso(firstHourOf('2026-06-01', 'Asia/Kolkata')), '2026-05-31T18:00:00.000Z');
  // Every hour between two days' first hours counts on the first of them.
  for (
    let h = firstHourOf('2026-11-01', 'America/New_York');
    h < firstHourOf('2026-11-02', 'America/New_York');
    h += 3_600_000
  ) {
    assert.equal(dayOfHour(h, 'America/New_York'), '2026-11-01');
  }
  assert.equal(
    (firstHourOf('2026-11-02', 'America/New_York') - firstHourOf('2026-11-01', 'America/New_York')) /
      3_600_000,
    25,
  );
});

test('ADM-USAGE: CSV is RFC 4180 with CRLF, quotes what needs it, and writes a formula-like name as text', () => {
  const csv = usageCsv(
    {
      from: '2026-03-01',
      to: '2026-03-01',
      timeZone: 'UTC',
      totals: { meetings: 1, participants: 2, minutes: 3, guests: 0 },
      days: [{ date: '2026-03-01', meetings: 1, participants: 2, minutes: 3 }],
      users: [
        { userId: 'a', displayName: 'Smith, "Jo"', email: 'jo@acme.test', meetings: 1, minutes: 1.5 },
        { userId: 'b', displayName: '=HYPERLINK("x")', email: 'b@acme.test', meetings: 1, minutes: 1.5 },
      ],
      meetings: [],
      roomSystems: [],
    },
    'users',
  );
  assert.equal(
    csv,
    'Name,Email,Meetings,Minutes\r\n"Smith, ""Jo""",jo@acme.test,1,1.5\r\n"\'=HYPERLINK(""x"")",b@acme.test,1,1.5\r\n',
  );
});
