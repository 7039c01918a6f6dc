import type { Kysely } from 'kysely';
import type { OrganisationView, UserView } from '@conclave/protocol';
import type { Clock } from '../common/clock';
import { hashToken, newId, newSecretToken } from '../common/ids';
import type { Database } from '../db';
import type { UserPrincipal } from '../domain';

export interface SessionPolicy {
  /** A session unused for this long ends. */
  idleMs: number;
  /** No session outlives this, however active. */
  absoluteMs: number;
  /** Last-seen is written at most this often, so reads do not each become writes. */
  touchIntervalMs: number;
}

export const defaultSessionPolicy: SessionPolicy = {
  idleMs: 14 * 24 * 3600_000,
  absoluteMs: 30 * 24 * 3600_000,
  touchIntervalMs: 5 * 60_000,
};

export interface ActiveSession {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserView;
  organisation: OrganisationView;
  /** This lookup pushed the expiry forward, so the cookie should be renewed too. */
  extended: boolean;
  /** The person must set up a second factor before this session may do anything else. */
  secondFactorSetup: boolean;
}

export interface SessionSummary {
  id: string;
  device: string | null;
  createdAt: string;
  lastSeenAt: string;
}

/** Who a live session acts for, as requests and signaling sockets see it. */
export function principalOf(session: ActiveSession): UserPrincipal {
  return {
    kind: 'user',
    userId: session.user.id,
    organisationId: session.organisation.id,
    displayName: session.user.displayName,
    role: session.user.role,
    sessionId: session.id,
  };
}

/** Server-side sessions. Only the token's hash is stored; deleting the row ends the session everywhere. */
export class SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    readonly policy: SessionPolicy = defaultSessionPolicy,
  ) {}

  async create(
    userId: string,
    secondFactorSetup = false,
  ): Promise<{ token: string; id: string; csrfToken: string; expiresAt: Date }> {
    const now = this.clock.now();
    const token = newSecretToken();
    const id = newId(now.getTime());
    const csrfToken = newSecretToken();
    const expiresAt = new Date(now.getTime() + Math.min(this.policy.idleMs, this.policy.absoluteMs));
    await this.db
      .insertInto('sessions')
      .values({
        id,
        token_hash: hashToken(token),
        csrf_token: csrfToken,
        user_id: userId,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
        second_factor_setup: secondFactorSetup ? 1 : 0,
      })
      .execute();
    await this.deleteExpired();
    return { token, id, csrfToken, expiresAt };
  }

  /**
   * The live session a cookie token stands for, or null (unknown, expired or ended). `device` (the
   * browser's label) is kept for the account page's list of sessions when it is new or changed.
   */
  async resolve(token: string, device: string | null = null): Promise<ActiveSession | null> {
    if (token.length === 0 || token.length > 256) return null;
    const row = await this.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .innerJoin('organisations as o', 'o.id', 'u.organisation_id')
      .select([
        's.id as id',
        's.csrf_token as csrfToken',
        's.created_at as createdAt',
        's.last_seen_at as lastSeenAt',
        's.expires_at as expiresAt',
        's.device as device',
        's.second_factor_setup as secondFactorSetup',
        'u.id as userId',
        'u.email as email',
        'u.display_name as displayName',
        'u.role as role',
        'o.id as organisationId',
        'o.name as organisationName',
      ])
      .where('s.token_hash', '=', hashToken(token))
      // Revoking deletes the sessions too; this holds should one be made meanwhile.
      .where('u.revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;

    const now = this.clock.now();
    let expiresAt = new Date(row.expiresAt);
    if (expiresAt.getTime() <= now.getTime()) {
      await this.delete(row.id);
      return null;
    }
    let extended = false;
    if (now.getTime() - new Date(row.lastSeenAt).getTime() >= this.policy.touchIntervalMs) {
      const limit = new Date(row.createdAt).getTime() + this.policy.absoluteMs;
      expiresAt = new Date(Math.min(now.getTime() + this.policy.idleMs, limit));
      await this.db
        .updateTable('sessions')
        .set({
          last_seen_at: now.toISOString(),
          expires_at: expiresAt.toISOString(),
          ...(device !== null && { device }),
        })
        .where('id', '=', row.id)
        .execute();
      extended = true;
    } else if (device !== null && device !== row.device) {
      await this.db.updateTable('sessions').set({ device }).where('id', '=', row.id).execute();
    }
    return {
      id: row.id,
      csrfToken: row.csrfToken,
      expiresAt,
      user: { id: row.userId, email: row.email, displayName: row.displayName, role: row.role },
      organisation: { id: row.organisationId, name: row.organisationName },
      extended,
      secondFactorSetup: row.secondFactorSetup === 1,
    };
  }

  /** The person has a second factor now: their sessions may do everything again. */
  async clearSecondFactorSetup(userId: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ second_factor_setup: 0 })
      .where('user_id', '=', userId)
      .execute();
  }

  /** The user's live sessions, most recently used first. */
  async listForUser(userId: string): Promise<SessionSummary[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select(['id', 'device', 'created_at', 'last_seen_at'])
      .where('user_id', '=', userId)
      .where('expires_at', '>', this.clock.now().toISOString())
      .orderBy('last_seen_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      device: r.device,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
    }));
  }

  /** Ends one session of this user; false when they have no such session. */
  async deleteForUser(userId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('sessions')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) === 1;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /** Ends every session of a user but `exceptId`; the ids of those ended, for their live connections. */
  async deleteAllForUser(userId: string, exceptId: string | null = null): Promise<string[]> {
    return this.db.transaction().execute(async (tx) => {
      let rows = tx.selectFrom('sessions').select('id').where('user_id', '=', userId);
      if (exceptId) rows = rows.where('id', '!=', exceptId);
      const ids = (await rows.execute()).map((r) => r.id);
      if (ids.length > 0) await tx.deleteFrom('sessions').where('id', 'in', ids).execute();
      return ids;
    });
  }

  async deleteExpired(): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', this.clock.now().toISOString()).execute();
  }
}
