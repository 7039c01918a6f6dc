import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock';
import { hashToken, newId, newSecretToken } from '../common/ids';
import type { Database } from '../db';
import type { GuestPrincipal, MeetingRecord } from '../domain';

export const DEFAULT_GUEST_TOKEN_TTL_MS = 12 * 3600_000;

/** Who asked for a guest token, when not the guest itself by a meeting's link. */
export interface GuestOrigin {
  /** The key whose system asked through the platform API. */
  apiKeyId?: string;
  /** The SIP gateway, for a caller it let in (the passcode was checked on the call). */
  via?: 'sip' | 'phone';
}

/** Short-lived bearer tokens that let one named guest join one meeting. Stored only hashed. */
export class GuestTokenStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly ttlMs = DEFAULT_GUEST_TOKEN_TTL_MS,
  ) {}

  /** `origin`: who asked for it, when not the guest by a link (see GuestOrigin). */
  async issue(
    meeting: MeetingRecord,
    displayName: string,
    origin: GuestOrigin = {},
  ): Promise<{ token: string; expiresAt: Date; principal: GuestPrincipal }> {
    const { apiKeyId, via } = origin;
    const now = this.clock.now();
    const token = newSecretToken();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const id = newId(now.getTime());
    const meetingId = meeting.id;
    await this.db
      .insertInto('guest_tokens')
      .values({
        id,
        token_hash: hashToken(token),
        meeting_id: meetingId,
        display_name: displayName,
        created_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
        api_key_id: apiKeyId ?? null,
        via: via ?? null,
      })
      .execute();
    await this.db.deleteFrom('guest_tokens').where('expires_at', '<=', now.toISOString()).execute();
    const principal: GuestPrincipal = {
      kind: 'guest',
      guestId: id,
      organisationId: meeting.organisationId,
      meetingId,
      displayName,
      ...(apiKeyId !== undefined && { apiKeyId }),
      ...(via !== undefined && { via }),
    };
    return { token, expiresAt, principal };
  }

  /**
   * The guest a token was issued to, or null when it is unknown, expired, its meeting is gone, or the
   * API key that issued it was revoked since.
   */
  async resolve(token: string): Promise<GuestPrincipal | null> {
    if (token.length === 0 || token.length > 256) return null;
    const row = await this.db
      .selectFrom('guest_tokens as g')
      .innerJoin('meetings as m', 'm.id', 'g.meeting_id')
      .leftJoin('api_keys as k', 'k.id', 'g.api_key_id')
      .select([
        'g.id as id',
        'g.display_name as displayName',
        'g.expires_at as expiresAt',
        'm.id as meetingId',
        'm.organisation_id as organisationId',
        'g.api_key_id as apiKeyId',
        'k.revoked_at as keyRevokedAt',
        'g.via as via',
      ])
      .where('g.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || new Date(row.expiresAt).getTime() <= this.clock.now().getTime()) return null;
    if (row.keyRevokedAt !== null) return null;
    return {
      kind: 'guest',
      guestId: row.id,
      organisationId: row.organisationId,
      meetingId: row.meetingId,
      displayName: row.displayName,
      ...(row.apiKeyId !== null && { apiKeyId: row.apiKeyId }),
      ...(row.via !== null && { via: row.via }),
    };
  }
}
