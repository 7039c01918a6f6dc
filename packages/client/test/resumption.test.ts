/// <reference types="node" />
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerMessageOf } from '@conclave/protocol';
import type { ResumeJoin } from '../src/resume';
import { Resumption, type Identity } from '../src/resumption';

/** The signaling link as the resumption sees it: the last way to resume it was given. */
class FakeLink {
  readonly given: (ResumeJoin | null)[] = [];
  resumeWith(join: ResumeJoin | null): void {
    this.given.push(join);
  }
  last(): ResumeJoin | null | undefined {
    return this.given.at(-1);
  }
}

const AS: Identity = { type: 'join', meetingId: 'meeting-1', identityKey: 'key-1' };

const waiting = (extra: Partial<ServerMessageOf<'waiting'>> = {}): ServerMessageOf<'waiting'> => ({
  type: 'waiting',
  participantId: 'p-1',
  meeting: { id: 'meeting-1', name: 'Weekly sync' },
  ...extra,
});

const joined = (extra: Partial<ServerMessageOf<'joined'>> = {}): ServerMessageOf<'joined'> => ({
  type: 'joined',
  participantId: 'p-1',
  meeting: { id: 'meeting-1', name: 'Weekly sync' },
  participants: [],
  iceServers: [],
  ...extra,
});

describe('Resumption: what a session resumes on another socket (NET-SCALE)', () => {
  test('NET-SCALE: the participation resumes only once live, with the token of joined, as the guest it named', () => {
    const link = new FakeLink();
    const r = new Resumption(link);
    r.joined(joined({ resumeToken: 'token-a', guestToken: 'guest-of-gina' }), AS);
    assert.equal(link.last(), null, 'not before the session is live');
    r.goLive();
    assert.deepEqual(link.last(), {
      ...AS,
      guestToken: 'guest-of-gina',
      resume: { participantId: 'p-1', token: 'token-a' },
    });
    assert.equal(r.resumed(joined({ resumeToken: 'token-b', resumed: true })), true);
    assert.deepEqual(link.last()?.resume, { participantId: 'p-1', token: 'token-b' }, 'the newest token');
    assert.equal(r.resumed(joined({ participantId: 'p-2', resumed: true })), false, 'someone else');
    assert.equal(link.last()?.resume?.token, 'token-b');
    r.resumed(joined({ resumed: true }));
    assert.equal(link.last(), null, 'a server that stops offering resumes is not asked');
  });

  test('NET-SCALE, MEET-LOBBY: a wait resumes with the token of waiting until joined, then nothing until live', () => {
    const link = new FakeLink();
    const r = new Resumption(link);
    r.waiting(waiting({ resumeToken: 'wait-token', guestToken: 'guest-of-gus' }), AS);
    assert.deepEqual(link.last(), {
      ...AS,
      guestToken: 'guest-of-gus',
      resume: { participantId: 'p-1', token: 'wait-token' },
    });
    r.joined(joined({ resumeToken: 'token-a' }), { ...AS, guestToken: 'guest-of-gus' });
    assert.equal(link.last(), null, 'the wait is over; the participation is not live yet');
    r.goLive();
    assert.deepEqual(link.last()?.resume, { participantId: 'p-1', token: 'token-a' });
  });

  test('NET-SCALE: without tokens (a single server) nothing is ever resumed', () => {
    const link = new FakeLink();
    const r = new Resumption(link);
    r.waiting(waiting(), AS);
    r.joined(joined(), AS);
    r.goLive();
    assert.ok(link.given.every((j) => j === null));
  });
});
