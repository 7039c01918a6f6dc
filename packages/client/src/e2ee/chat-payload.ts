import { CHAT_MESSAGE_RULE, normaliseText, textProblem } from '@conclave/protocol';

/**
 * What an E2EE meeting's chat message holds inside its MLS application message (E2EE-CHAT). The
 * server cannot check it, so every reader applies the one text rule to it, as the server does to
 * chat it can read; `v` leaves room for other kinds of application message later.
 */
interface ChatPayload {
  v: 1;
  chat: string;
}

export function encodeChatPayload(body: string): Uint8Array {
  const payload: ChatPayload = { v: 1, chat: body };
  return new TextEncoder().encode(JSON.stringify(payload));
}

/** The words of a chat payload, normalised; null for anything else or what breaks the rule. */
export function decodeChatPayload(data: Uint8Array): string | null {
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const { v, chat } = payload as Partial<ChatPayload>;
  if (v !== 1 || typeof chat !== 'string') return null;
  const body = normaliseText(chat, CHAT_MESSAGE_RULE.multiline);
  return textProblem(body, CHAT_MESSAGE_RULE) === null ? body : null;
}
