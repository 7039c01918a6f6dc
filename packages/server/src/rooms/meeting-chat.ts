import type { MeetingChatLine, ServerMessage } from '@conclave/protocol';
import type { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import { orderedIds } from '../common/ids';
import type { MeetingChatLog, MeetingRecord } from '../domain';
import type { MediaLogger } from '../media/logger';
import type { Participant } from './participant';
import { personKey } from './roles';

/** What a meeting's chat needs of its room. */
export interface ChatRoom {
  meeting: MeetingRecord;
  participants: ReadonlyMap<string, Participant>;
  clock: Clock;
  logger: MediaLogger;
  /** Null: the room has no chat (a test's room without it). */
  log: MeetingChatLog | null;
}

/** Messages between two trims of the meeting's log: it holds at most MEETING_CHAT_HISTORY + this. */
const TRIM_EVERY = 50;

const chatUnavailable = () => new AppError(403, 'chat_disabled', 'This meeting has no chat');

/**
 * A meeting's chat (CHAT-MEETING), guests included, never the lobby. Without E2EE, each message is
 * kept sealed while the meeting lasts and told to everyone, its sender too, so that every client
 * shows the server's order; a joiner gets what was said so far. Under E2EE (E2EE-CHAT), messages are
 * the group's MLS ciphertext: relayed to the others, kept nowhere. Writes to the log go one at a
 * time, so a fresh start's clearing never overtakes the first message.
 */
export class MeetingChat {
  private queue: Promise<unknown> = Promise.resolve();
  /** Two messages within a millisecond keep the order the room took them in. */
  private readonly nextId = orderedIds();
  /** Messages kept since the log was last trimmed. */
  private sinceTrim = 0;

  constructor(private readonly r: ChatRoom) {}

  async post(p: Participant, body: string): Promise<void> {
    const { meeting, clock } = this.r;
    if (meeting.e2ee) {
      throw new AppError(409, 'invalid_state', 'This meeting is end-to-end encrypted: its chat must be too');
    }
    const log = await this.mayPost(p);
    const now = clock.now();
    const line: MeetingChatLine = {
      id: this.nextId(now.getTime()),
      participantId: p.id,
      displayName: p.principal.displayName,
      body,
      sentAt: now.toISOString(),
    };
    await this.serial(() => log.append(meeting, line));
    this.tell({ type: 'chat', message: line });
    // Older lines than a joiner is shown are of no use: trimmed now and then, not at every message.
    if (++this.sinceTrim >= TRIM_EVERY) {
      this.sinceTrim = 0;
      this.serial(() => log.trim(meeting.id)).catch((err: unknown) =>
        this.r.logger.warn({ err, meetingId: meeting.id }, 'meeting chat could not be trimmed'),
      );
    }
  }

  /** An E2EE meeting's message, opaque here: to everyone else, stamped with who sent it and when. */
  async relay(p: Participant, message: string): Promise<void> {
    if (!this.r.meeting.e2ee) {
      throw new AppError(409, 'invalid_state', 'This meeting is not end-to-end encrypted');
    }
    await this.mayPost(p);
    const now = this.r.clock.now();
    const frame = {
      type: 'encryptedChat',
      id: this.nextId(now.getTime()),
      participantId: p.id,
      sentAt: now.toISOString(),
      message,
    } as const;
    this.tell(frame, p);
  }

  /** Someone came in, or back: whether chat is on, and what was said so far (nothing under E2EE). */
  welcome(p: Participant): void {
    const { log, meeting } = this.r;
    const history = async (): Promise<ServerMessage> => {
      if (!log) return { type: 'chatHistory', enabled: false, messages: [] };
      const [enabled, messages] = await Promise.all([
        log.enabled(meeting.organisationId),
        meeting.e2ee ? [] : this.serial(() => log.recent(meeting)),
      ]);
      return { type: 'chatHistory', enabled, messages };
    };
    history().then(
      (message) => {
        if (!p.left) p.sink.send(message);
      },
      (err: unknown) => this.r.logger.warn({ err, meetingId: meeting.id }, 'meeting chat history failed'),
    );
  }

  /** The meeting starts afresh, or is over: what was said in it goes. */
  forget(): void {
    const { log, meeting } = this.r;
    if (!log || meeting.e2ee) return;
    this.serial(() => log.clear(meeting.id)).catch((err: unknown) =>
      this.r.logger.warn({ err, meetingId: meeting.id }, 'meeting chat could not be cleared'),
    );
  }

  private async mayPost(p: Participant): Promise<MeetingChatLog> {
    const { log, meeting } = this.r;
    if (!log) throw chatUnavailable();
    await log.mayPost(meeting.organisationId, personKey(p.principal));
    return log;
  }

  private tell(message: ServerMessage, except?: Participant): void {
    for (const q of this.r.participants.values()) if (q !== except) q.sink.send(message);
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
