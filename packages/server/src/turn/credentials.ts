import { createHmac } from 'node:crypto';

/** A TURN credential as browsers use it: good for one participant of one meeting, until it expires. */
export interface TurnCredential {
  username: string;
  credential: string;
  /** Unix seconds. */
  expiresAt: number;
}

/**
 * The TURN REST scheme coturn checks with `use-auth-secret` (NET-TURN): the user name is the expiry
 * (Unix seconds) and who it is for; the password is HMAC-SHA1 of the user name under the secret the
 * TURN server shares with us. Nothing is stored: coturn recomputes it, and refuses it once expired.
 */
export function turnCredential(
  secret: string,
  holder: { meetingId: string; participant: string },
  ttlSeconds: number,
  nowMs = Date.now(),
): TurnCredential {
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  // ':' separates coturn's fields; the holder's part must not add one.
  const who = `${holder.meetingId}.${holder.participant}`.replace(/:/g, '_');
  const username = `${expiresAt}:${who}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt };
}
