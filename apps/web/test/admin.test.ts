/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEventView } from '@conclave/protocol';
import { ACTION_NAMES, detailsText, targetText } from '../src/pages/admin/auditText';
import { fieldMessage } from '../src/pages/admin/fieldMessage';

const event = (over: Partial<AuditEventView>): AuditEventView => ({
  id: 'e1',
  at: '2025-01-01T00:00:00.000Z',
  actor: { id: 'a', name: 'Ada Admin' },
  action: 'user.created',
  target: { kind: 'user', id: 'b', name: 'Bea Brown <bea@example.test>' },
  details: {},
  clientIp: '127.0.0.1',
  ...over,
});

test('ADM-AUDIT: a role change says from which role to which', () => {
  const e = event({ action: 'user.roleChanged', details: { from: 'user', to: 'superuser' } });
  assert.equal(ACTION_NAMES[e.action], 'Changed a role');
  assert.equal(detailsText(e), 'From User to Superuser');
});

test('ADM-AUDIT: a settings change names its section, and what it was set to', () => {
  const e = event({
    action: 'settings.changed',
    target: { kind: 'settings', id: 'domains', name: 'domains' },
    details: { section: 'domains', to: '{"allowed":["example.test"]}' },
  });
  assert.equal(targetText(e), 'Allowed email domains');
  assert.equal(detailsText(e), 'Allowed email domains: {"allowed":["example.test"]}');
});

test('ADM-AUDIT: other details are listed in words, roles by their names', () => {
  const e = event({ action: 'user.deleted', details: { role: 'superuser', meetingsDeleted: 2 } });
  assert.equal(detailsText(e), 'Role: Superuser, Meetings deleted: 2');
  assert.equal(detailsText(event({ action: 'user.revoked' })), '');
  assert.equal(targetText(event({})), 'Bea Brown <bea@example.test>');
});

test('a field error drops the field path the server puts before it, and only that', () => {
  assert.equal(
    fieldMessage('domains.allowed.1: Enter a domain such as example.com', 'domains.allowed.1'),
    'Enter a domain such as example.com',
  );
  assert.equal(
    fieldMessage('An account with this email address exists already', 'email'),
    'An account with this email address exists already',
  );
  assert.equal(fieldMessage('input: Invalid', undefined), 'input: Invalid');
});

test('PRIV-RETENTION: the contract’s end reads as such in the audit log, with the day the data goes', () => {
  const e = event({
    action: 'organisation.contractEnded',
    target: { kind: 'organisation', id: 'o1', name: 'Acme Research' },
    details: { deletionDueAt: '2026-08-28T09:00:00.000Z' },
  });
  assert.equal(ACTION_NAMES[e.action], 'Ended the contract');
  assert.equal(detailsText(e), 'Data deleted on: 2026-08-28');
  assert.equal(targetText(e), 'Acme Research');
  assert.equal(ACTION_NAMES['organisation.contractResumed'], 'Resumed the contract');
});

test('ADM-AUDIT: a use of an API key reads as the operation, the key’s prefix, and a refusal', () => {
  const e = event({
    action: 'apiKey.used',
    actor: { id: null, name: 'API key “Room booking”' },
    target: { kind: 'apiKey', id: 'k1', name: 'Room booking' },
    details: { operation: 'createMeeting', prefix: 'cnk_AbCd1234', refused: 'insufficient_scope' },
  });
  assert.equal(ACTION_NAMES[e.action], 'Used an API key');
  assert.equal(detailsText(e), 'Operation: createMeeting, Key: cnk_AbCd1234, Refused: insufficient_scope');
});
