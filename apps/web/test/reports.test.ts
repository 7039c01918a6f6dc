/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quickPeriod, timeZones, today } from '../src/pages/admin/reportPeriod';

test('ADM-USAGE: today is the date in the chosen time zone, not the browser’s', () => {
  const lateEvening = new Date('2025-03-14T23:30:00Z');
  assert.equal(today('UTC', lateEvening), '2025-03-14');
  assert.equal(today('Europe/Berlin', lateEvening), '2025-03-15');
  assert.equal(today('America/New_York', lateEvening), '2025-03-14');
  assert.equal(today('Pacific/Kiritimati', new Date('2025-12-31T10:00:00Z')), '2026-01-01');
});

test('ADM-USAGE: the quick picks count whole days back from today, both ends included', () => {
  assert.deepEqual(quickPeriod('last7', '2025-03-05'), { from: '2025-02-27', to: '2025-03-05' });
  assert.deepEqual(quickPeriod('last30', '2025-03-05'), { from: '2025-02-04', to: '2025-03-05' });
  // Across a clock change (Europe, 30 March 2025) days are still whole days.
  assert.deepEqual(quickPeriod('last7', '2025-04-02'), { from: '2025-03-27', to: '2025-04-02' });
});

test('ADM-USAGE: this month runs from its first day to today, last month is the whole month before', () => {
  assert.deepEqual(quickPeriod('thisMonth', '2024-03-15'), { from: '2024-03-01', to: '2024-03-15' });
  assert.deepEqual(quickPeriod('lastMonth', '2024-03-15'), { from: '2024-02-01', to: '2024-02-29' });
  assert.deepEqual(quickPeriod('lastMonth', '2025-03-31'), { from: '2025-02-01', to: '2025-02-28' });
  assert.deepEqual(quickPeriod('lastMonth', '2025-01-10'), { from: '2024-12-01', to: '2024-12-31' });
  assert.deepEqual(quickPeriod('thisMonth', '2025-01-01'), { from: '2025-01-01', to: '2025-01-01' });
});

test('ADM-USAGE: the time zones offered include the browser’s own, even one the list leaves out', () => {
  assert.ok(timeZones('Europe/Berlin').includes('Europe/Berlin'));
  const zones = timeZones('Etc/GMT+5');
  assert.ok(zones.includes('Etc/GMT+5'));
  assert.ok(zones.includes('Europe/Berlin'));
});
