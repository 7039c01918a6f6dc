import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Role } from '@conclave/protocol';
import type { Database } from '../db';
import { isManager } from '../access';
import type { UserPrincipal } from '../domain';

export interface DirectoryUser {
  id: string;
  displayName: string;
  email: string;
  role: Role;
  hidden: boolean;
}

export interface DirectoryMeeting {
  id: string;
  name: string;
  description: string;
  extension: string;
  ownerId: string;
  ownerName: string;
  e2ee: boolean;
  hasPasscode: boolean;
  oneTime: boolean;
  hidden: boolean;
  streaming: boolean;
}

export interface DirectoryRoom {
  id: string;
  name: string;
  associatedUser: { id: string; displayName: string; role: Role } | null;
  hidden: boolean;
}

/** What one search asks of a kind of entry. */
export interface Search {
  /** Whose directory: their organisation, and the hidden entries they may see. */
  viewer: UserPrincipal;
  /** Text that must occur in one of the searched columns; null matches everything. */
  text: string | null;
  /** Rows to return at most. */
  limit: number;
}

/**
 * The directory's reads over users, meetings and room systems, searched in the database: only what
 * is asked for leaves it. Which hidden entries a viewer sees is the rule of `user.hide`,
 * `meeting.hide` and `roomSystem.hide` (access/permissions.ts), written here in SQL; the directory
 * tests hold them to the same answers.
 */
export class DirectoryStore {
  constructor(private readonly db: Kysely<Database>) {}

  async users({ viewer, text, limit }: Search): Promise<DirectoryUser[]> {
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'display_name', 'email', 'role', 'hidden'])
      .where('organisation_id', '=', viewer.organisationId)
      .where((eb) =>
        // Hidden: only to Superusers and Administrators, and an Administrator only to themself.
        isManager(viewer)
          ? eb.or([eb('hidden', '=', 0), eb('role', '!=', 'administrator'), eb('id', '=', viewer.userId)])
          : eb('hidden', '=', 0),
      )
      .$if(text !== null, (q) =>
        q.where((eb) => eb.or([contains(eb.ref('display_name'), text!), contains(eb.ref('email'), text!)])),
      )
      .orderBy(sql`lower(display_name)`)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(userFromRow);
  }

  async meetings({ viewer, text, limit }: Search): Promise<DirectoryMeeting[]> {
    const rows = await this.db
      .selectFrom('meetings as m')
      .innerJoin('users as u', 'u.id', 'm.owner_id')
      .select([
        'm.id as id',
        'm.name as name',
        'm.description as description',
        'm.extension as extension',
        'm.owner_id as ownerId',
        'u.display_name as ownerName',
        'm.e2ee as e2ee',
        'm.passcode_hash as passcodeHash',
        'm.one_time as oneTime',
        'm.hidden as hidden',
        'm.streaming as streaming',
      ])
      .where('m.organisation_id', '=', viewer.organisationId)
      // Hidden: only to the owner, and to Superusers and Administrators, who see them all.
      .$if(!isManager(viewer), (q) =>
        q.where((eb) => eb.or([eb('m.hidden', '=', 0), eb('m.owner_id', '=', viewer.userId)])),
      )
      .$if(text !== null, (q) =>
        q.where((eb) =>
          eb.or([
            contains(eb.ref('m.name'), text!),
            contains(eb.ref('m.description'), text!),
            contains(eb.ref('m.extension'), text!),
          ]),
        ),
      )
      .orderBy(sql`lower(m.name)`)
      .orderBy('m.id')
      .limit(limit)
      .execute();
    return rows.map(({ passcodeHash, ...r }) => ({
      ...r,
      e2ee: r.e2ee === 1,
      hasPasscode: passcodeHash !== null,
      oneTime: r.oneTime === 1,
      hidden: r.hidden === 1,
      streaming: r.streaming === 1,
    }));
  }

  /** The organisation's room systems (ADM-ROOMS) that have their access; revoked ones are not listed. */
  async rooms({ viewer, text, limit }: Search): Promise<DirectoryRoom[]> {
    const rows = await this.db
      .selectFrom('room_systems as r')
      .leftJoin('users as u', 'u.id', 'r.associated_user_id')
      .select([
        'r.id as id',
        'r.name as name',
        'r.hidden as hidden',
        'u.id as userId',
        'u.display_name as userName',
        'u.role as userRole',
      ])
      .where('r.organisation_id', '=', viewer.organisationId)
      .where('r.revoked_at', 'is', null)
      .where((eb) =>
        // Hidden: only to Superusers and Administrators; one associated with the Administrator only
        // to that Administrator (the rule of `roomSystem.hide`).
        isManager(viewer)
          ? eb.or([
              eb('r.hidden', '=', 0),
              eb('u.role', 'is', null),
              eb('u.role', '!=', 'administrator'),
              eb('u.id', '=', viewer.userId),
            ])
          : eb('r.hidden', '=', 0),
      )
      .$if(text !== null, (q) =>
        q.where((eb) =>
          eb.or([
            contains(eb.ref('r.name'), text!),
            contains(sql<string>`coalesce(${eb.ref('u.display_name')}, '')`, text!),
          ]),
        ),
      )
      .orderBy(sql`lower(r.name)`)
      .orderBy('r.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      hidden: r.hidden === 1,
      associatedUser:
        r.userId !== null && r.userName !== null && r.userRole !== null
          ? { id: r.userId, displayName: r.userName, role: r.userRole }
          : null,
    }));
  }

  /** A user of the organisation, hidden or not; null for anyone else. */
  async findUser(organisationId: string, id: string): Promise<DirectoryUser | null> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'display_name', 'email', 'role', 'hidden'])
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? userFromRow(row) : null;
  }

  async setUserHidden(id: string, hidden: boolean): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ hidden: hidden ? 1 : 0 })
      .where('id', '=', id)
      .execute();
  }
}

function userFromRow(
  r: Pick<Database['users'], 'id' | 'display_name' | 'email' | 'role' | 'hidden'>,
): DirectoryUser {
  return { id: r.id, displayName: r.display_name, email: r.email, role: r.role, hidden: r.hidden === 1 };
}

/**
 * `text` occurs in the column, ignoring case, taken literally: LIKE's wildcards and its escape
 * character in it are escaped. Both sides go through the database's lower(), so text typed exactly as
 * stored always matches; beyond ASCII, case folding is the database's (SQLite folds ASCII only).
 */
function contains(column: Expression<string>, text: string): Expression<SqlBool> {
  const pattern = `%${text.replace(/[\\%_]/g, '\\$&')}%`;
  return sql<SqlBool>`lower(${column}) like lower(${pattern}) escape '\\'`;
}
