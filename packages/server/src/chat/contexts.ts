/**
 * What a sealed chat body is bound to (CHAT-AT-REST), so that it opens nowhere else: for chat/ that
 * seals and opens them, and for the personal-data export (PRIV-EXPORT) that opens a person's own.
 */

/** A conversation's message: this message. */
export const messageContext = (messageId: string) => `chat message ${messageId}`;

/** A meeting's chat line: its meeting and its id. */
export const meetingLineContext = (row: { meetingId: string; id: string }) =>
  `meeting chat ${row.meetingId} ${row.id}`;
