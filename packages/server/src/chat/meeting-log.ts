import { MEETING_CHAT_HISTORY, type MeetingChatLine } from '@conclave/protocol';
import type { Vault } from '../at-rest';
import type { Limiters } from '../common/rate-limit';
import type { MeetingChatLog, MeetingRecord } from '../domain';
import { meetingLineContext } from './contexts';
import { ChatGate, type ChatEnabled } from './gate';
import type { MeetingChatStore } from './meeting-store';

export interface MeetingChatDeps {
  store: MeetingChatStore;
  vault: Vault;
  limiters: Limiters;
  enabled: ChatEnabled;
  /** Messages one participant may send per minute (default 120). */
  messagesPerMinute?: number;
  /** A stored line that does not open (tampered with, or its key gone) is left out and reported here. */
  onUnreadable: (err: unknown, what: string) => void;
}

/** A meeting's chat in the database, sealed under its organisation's data key (CHAT-MEETING, CHAT-AT-REST). */
export class SealedMeetingChat implements MeetingChatLog {
  private readonly gate: ChatGate;

  constructor(private readonly d: MeetingChatDeps) {
    this.gate = new ChatGate(
      d.limiters.window('chat:meeting', { limit: d.messagesPerMinute ?? 120, windowMs: 60_000 }),
      d.enabled,
    );
  }

  mayPost(organisationId: string, authorKey: string): Promise<void> {
    return this.gate.pass(organisationId, authorKey, 'You are sending too many messages; wait a moment');
  }

  enabled(organisationId: string): Promise<boolean> {
    return this.d.enabled(organisationId);
  }

  async append(meeting: MeetingRecord, line: MeetingChatLine): Promise<void> {
    const row = { id: line.id, meetingId: meeting.id };
    await this.d.store.add({
      ...row,
      participantId: line.participantId,
      displayName: line.displayName,
      body: await this.d.vault.seal(meeting.organisationId, line.body, meetingLineContext(row)),
      createdAt: line.sentAt,
    });
  }

  async recent(meeting: MeetingRecord): Promise<MeetingChatLine[]> {
    const rows = await this.d.store.latest(meeting.id, MEETING_CHAT_HISTORY);
    const lines = await Promise.all(
      rows.map(async (row): Promise<MeetingChatLine | null> => {
        try {
          const body = await this.d.vault.open(meeting.organisationId, row.body, meetingLineContext(row));
          const { id, participantId, displayName, createdAt: sentAt } = row;
          return { id, participantId, displayName, body, sentAt };
        } catch (err) {
          this.d.onUnreadable(err, `meeting chat message ${row.id}`);
          return null;
        }
      }),
    );
    return lines.filter((l): l is MeetingChatLine => l !== null);
  }

  trim(meetingId: string): Promise<void> {
    return this.d.store.keepLatest(meetingId, MEETING_CHAT_HISTORY);
  }

  clear(meetingId: string): Promise<void> {
    return this.d.store.clear(meetingId);
  }
}
