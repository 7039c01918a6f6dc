import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MeetingChatLine, ServerMessage } from '@conclave/protocol';
import { ManualClock } from '../src/common/clock';
import type { MeetingChatLog, MeetingRecord } from '../src/domain';
import { silentLogger } from '../src/media/logger';
import { MeetingChat } from '../src/rooms/meeting-chat';
import { Participant } from '../src/rooms/participant';

const meeting: MeetingRecord = {
  id: 'm1',
  organisationId: 'o1',
  ownerId: 'u1',
  name: 'Long',
  e2ee: false,
  e2eeAnchorKey: null,
  passcodeHash: null,
  lobby: 'off',
};

test('CHAT-MEETING: the room trims its meeting’s log now and then (every 50 messages), so a long meeting’s chat stays bounded', async () => {
  const appended: MeetingChatLine[] = [];
  let trims = 0;
  const log: MeetingChatLog = {
    mayPost: async () => undefined,
    enabled: async () => true,
    append: async (_m, line) => void appended.push(line),
    recent: async () => [],
    trim: async () => void trims++,
    clear: async () => undefined,
  };
  const told: ServerMessage[] = [];
  const sink = {
    entered: () => undefined,
    send: (m: ServerMessage) => void told.push(m),
    end: () => undefined,
    handOff: () => undefined,
  };
  const gina = new Participant(
    'p1',
    { kind: 'guest', guestId: 'g1', organisationId: 'o1', meetingId: 'm1', displayName: 'Gina' },
    sink,
    new Date().toISOString(),
    false,
  );
  const chat = new MeetingChat({
    meeting,
    participants: new Map([[gina.id, gina]]),
    clock: new ManualClock(),
    logger: silentLogger,
    log,
  });
  for (let i = 0; i < 120; i++) await chat.post(gina, `line ${i}`);
  assert.equal(appended.length, 120);
  assert.equal(told.length, 120, 'each told to the room');
  assert.equal(trims, 2);
});
