import { CHAT_MESSAGE_RULE, normaliseText, textProblem, type MeetingChatLine } from '@conclave/protocol';
import { ConclaveError } from './errors';
import { TypedEmitter } from './events';

/** One message of the meeting's chat as this client shows it. */
export interface ChatMessage {
  id: string;
  /** Who wrote it: their participant id in this meeting, and the name they had. */
  participantId: string;
  displayName: string;
  body: string;
  sentAt: Date;
  /** Written here, by this client's participant. */
  own: boolean;
}

export interface MeetingChatEvents {
  /** The list changed (a message came, history arrived); `unread` may have changed with it. */
  messagesChanged: [messages: readonly ChatMessage[]];
  /** The organisation turned chat on or off (CHAT-TOGGLE), as the meeting last said. */
  enabledChanged: [enabled: boolean];
}

/** What the chat needs of its room. */
export interface MeetingChatPort {
  /** Sends the words (sealed for the group under E2EE); rejects with the server's refusal. */
  send(body: string): Promise<void>;
  /** This client's participant id now (null while not in the meeting). */
  ownId(): string | null;
  /** A participant's name now, or null when they are not (any more) in the meeting. */
  nameOf(participantId: string): string | null;
  /** Whether the meeting is end-to-end encrypted, and whether this client holds its keys now. */
  encryption(): { encrypted: boolean; ready: boolean };
}

/** A message the session received: the server's line, its sender's name still to be found under E2EE. */
export type ReceivedChat =
  | { kind: 'history'; enabled: boolean; lines: MeetingChatLine[] }
  | { kind: 'line'; line: MeetingChatLine }
  | { kind: 'sealed'; line: Omit<MeetingChatLine, 'displayName'> };

/** Messages kept at most; the oldest go first. */
const MAX_KEPT = 1000;

/**
 * The meeting's chat panel's model (CHAT-MEETING): everyone's messages in the order the server took
 * them, what this client has not read, whether chat is on (CHAT-TOGGLE). Under E2EE (E2EE-CHAT) it
 * holds only what was said once this client had the group's keys, and its own messages are added as
 * they are sent, since the server does not echo them.
 */
export class MeetingChat extends TypedEmitter<MeetingChatEvents> {
  private list: ChatMessage[] = [];
  private readonly ids = new Set<string>();
  private _unread = 0;
  private _enabled = true;
  private ownSeq = 0;

  constructor(private readonly port: MeetingChatPort) {
    super();
  }

  get messages(): readonly ChatMessage[] {
    return this.list;
  }

  /** Messages from others since `markRead`. */
  get unread(): number {
    return this._unread;
  }

  get enabled(): boolean {
    return this._enabled;
  }

  /** The meeting is end-to-end encrypted: the server can read none of it, and a joiner sees only what follows. */
  get encrypted(): boolean {
    return this.port.encryption().encrypted;
  }

  /** Whether `send` can work now: chat is on and, under E2EE, this client holds the group's keys. */
  get canSend(): boolean {
    const { encrypted, ready } = this.port.encryption();
    return this._enabled && (!encrypted || ready);
  }

  markRead(): void {
    if (this._unread === 0) return;
    this._unread = 0;
    this.emit('messagesChanged', this.list);
  }

  /**
   * Says something to everyone in the meeting. Rejects with `validation_failed` (empty, too long),
   * `chat_disabled` (the organisation turned chat off), `rate_limited`, or `invalid_state` (not in
   * the meeting; under E2EE, no keys yet).
   */
  async send(text: string): Promise<void> {
    const body = normaliseText(text, CHAT_MESSAGE_RULE.multiline);
    const problem = textProblem(body, CHAT_MESSAGE_RULE);
    if (problem) throw new ConclaveError('validation_failed', problem, { field: 'body' });
    const { encrypted, ready } = this.port.encryption();
    if (encrypted && !ready) {
      throw new ConclaveError('invalid_state', 'Chat opens once this device holds the meeting’s keys');
    }
    const participantId = this.port.ownId();
    if (participantId === null) throw new ConclaveError('invalid_state', 'Join the meeting first');
    try {
      await this.port.send(body);
    } catch (err) {
      if (err instanceof ConclaveError && err.code === 'chat_disabled') this.setEnabled(false);
      throw err;
    }
    if (encrypted) {
      this.add({
        id: `own-${++this.ownSeq}`,
        participantId,
        displayName: this.port.nameOf(participantId) ?? '',
        body,
        sentAt: new Date(),
        own: true,
      });
    }
  }

  /** @internal What the session received. */
  received(chat: ReceivedChat): void {
    if (chat.kind === 'history') {
      this.setEnabled(chat.enabled);
      const fresh = chat.lines.filter((l) => !this.ids.has(l.id)).map((l) => this.toMessage(l));
      if (fresh.length === 0) return;
      // Said while this client was away (a resume, a rejoin): in the server's order among the rest.
      for (const m of fresh) this.ids.add(m.id);
      this.list = [...this.list, ...fresh].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
      this.countUnread(fresh);
      this.trim();
      this.emit('messagesChanged', this.list);
      return;
    }
    const displayName =
      chat.kind === 'line'
        ? chat.line.displayName
        : (this.port.nameOf(chat.line.participantId) ?? 'Someone who left');
    if (this.ids.has(chat.line.id)) return;
    this.add(this.toMessage({ ...chat.line, displayName }));
  }

  private add(message: ChatMessage): void {
    this.ids.add(message.id);
    this.list = [...this.list, message];
    this.countUnread([message]);
    this.trim();
    this.emit('messagesChanged', this.list);
  }

  private toMessage(line: MeetingChatLine): ChatMessage {
    return {
      id: line.id,
      participantId: line.participantId,
      displayName: line.displayName,
      body: line.body,
      sentAt: new Date(line.sentAt),
      own: line.participantId === this.port.ownId(),
    };
  }

  private countUnread(messages: readonly ChatMessage[]): void {
    this._unread += messages.filter((m) => !m.own).length;
  }

  private trim(): void {
    if (this.list.length <= MAX_KEPT) return;
    for (const m of this.list.slice(0, this.list.length - MAX_KEPT)) this.ids.delete(m.id);
    this.list = this.list.slice(-MAX_KEPT);
  }

  private setEnabled(enabled: boolean): void {
    if (enabled === this._enabled) return;
    this._enabled = enabled;
    this.emit('enabledChanged', enabled);
  }
}
