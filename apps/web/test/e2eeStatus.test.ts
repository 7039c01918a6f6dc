/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { E2eeState } from '@conclave/client';
import { describeE2ee } from '../src/meeting/e2eeStatus';

const words = ['gusut', 'nubum', 'tiguh', 'puhib'];
const state = (status: E2eeState['status']): E2eeState => ({
  status,
  epoch: status === 'member' ? 3 : null,
  sendingEpoch: status === 'member' ? 3 : null,
  securityCode: null,
  ownCodeword: { words, text: words.join(' '), glance: 'gusut' },
  codewords: new Map(),
  anchorCodeword: null,
});

test('E2EE-OPTIN: the lock says "End-to-end encrypted" for a member of the group only, and "Securing…" until then', () => {
  assert.equal(describeE2ee(state('member')).label, 'End-to-end encrypted');
  for (const s of [null, state('waiting'), state('joining')]) {
    const view = describeE2ee(s);
    assert.equal(view.label, 'Securing…', `${s?.status ?? 'no group yet'}`);
    assert.equal(view.tone, 'pending');
  }
});

test('E2EE-OPTIN: removed and refused are warnings in words, not by colour alone: each says the device is out of the group and what to do', () => {
  const removed = describeE2ee(state('removed'));
  const refused = describeE2ee(state('refused'));
  assert.deepEqual([removed.tone, refused.tone], ['danger', 'danger']);
  assert.equal(removed.label, 'Not in the encrypted group');
  assert.match(removed.detail, /can no longer see or hear the others.*Leave and join again/);
  assert.equal(refused.label, 'Encryption check failed');
  assert.match(refused.detail, /failed its checks.*Leave, and tell the meeting owner/);
  assert.notEqual(removed.label, describeE2ee(state('member')).label);
});
