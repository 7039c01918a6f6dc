import type { MeetingChatLine } from '@conclave/protocol';
import type { MeetingRecord } from './meeting';

/**
 * Where a meeting's chat is kept while the meeting lasts (CHAT-MEETING), and the organisation's say
 * on chat (CHAT-TOGGLE); implemented by chat/. Rooms only hand lines over: what is stored is sealed.
 */
export interface MeetingChatLog {
  /**
   * Counts one message of `authorKey` (a person or guest) before anything is looked up, then checks
   * that the organisation has chat on: throws `rate_limited` or `chat_disabled` otherwise.
   */
  mayPost(organisationId: string, authorKey: string): Promise<void>;
  enabled(organisationId: string): Promise<boolean>;
  append(meeting: MeetingRecord, line: MeetingChatLine): Promise<void>;
  /** The latest lines (MEETING_CHAT_HISTORY at most), oldest first. */
  recent(meeting: MeetingRecord): Promise<MeetingChatLine[]>;
  /** Keeps only what a joiner could still be shown (the latest lines), so a long meeting's chat stays bounded. */
  trim(meetingId: string): Promise<void>;
  /** The meeting is over (or starts afresh): its chat goes. */
  clear(meetingId: string): Promise<void>;
}
