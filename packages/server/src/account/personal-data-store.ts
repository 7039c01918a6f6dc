import type { Kysely } from 'kysely';
import type { Database } from '../db';

/**
 * Reads everything stored about one person, for their export (PRIV-EXPORT). Every query names its
 * columns: token hashes, CSRF tokens, password hashes, authenticator secrets, recovery-code hashes and
 * passkeys' public keys are never read, so they cannot end up in an export; nor are the rows of other
 * people (their messages, names, addresses).
 */
export class PersonalDataStore {
  constructor(private readonly db: Kysely<Database>) {}

  async person(userId: string) {
    return this.db
      .selectFrom('users')
      .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
      .select([
        'users.id',
        'users.email',
        'users.display_name',
        'users.role',
        'users.created_at',
        'users.hidden',
        'users.revoked_at',
        'organisations.id as organisation_id',
        'organisations.name as organisation_name',
      ])
      .select((eb) => eb('users.password_hash', 'is not', null).as('has_password'))
      .where('users.id', '=', userId)
      .executeTakeFirst();
  }

  async sessions(userId: string) {
    return this.db
      .selectFrom('sessions')
      .select(['device', 'created_at', 'last_seen_at', 'expires_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
  }

  async trustedDevices(userId: string) {
    return this.db
      .selectFrom('trusted_devices')
      .select(['created_at', 'last_used_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
  }

  async authenticatorApp(userId: string) {
    return this.db
      .selectFrom('totp_factors')
      .select(['created_at', 'confirmed_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  async passkeys(userId: string) {
    return this.db
      .selectFrom('passkeys')
      .select(['name', 'created_at', 'last_used_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
  }

  async recoveryCodes(userId: string) {
    return this.db.selectFrom('recovery_codes').select('used_at').where('user_id', '=', userId).execute();
  }

  async passwordReset(userId: string) {
    return this.db
      .selectFrom('password_resets')
      .select(['created_at', 'expires_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  /** Their meetings, but those a direct call made (named after both people: see `calls`). */
  async meetings(userId: string) {
    return this.db
      .selectFrom('meetings')
      .select([
        'id',
        'name',
        'description',
        'extension',
        'e2ee',
        'one_time',
        'hidden',
        'lobby',
        'recording_by_moderators',
        'streaming',
        'started_at',
        'created_at',
        'updated_at',
        'starts_at',
        'ends_at',
        'time_zone',
      ])
      .select((eb) => eb('passcode_hash', 'is not', null).as('has_passcode'))
      .where('owner_id', '=', userId)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('calls')
              .select('calls.id')
              .whereRef('calls.meeting_id', '=', 'meetings.id')
              .where('calls.kind', '=', 'direct'),
          ),
        ),
      )
      .orderBy('created_at')
      .execute();
  }

  async calls(userId: string) {
    return this.db
      .selectFrom('calls')
      .select(['id', 'kind', 'caller_id', 'meeting_id', 'state', 'created_at', 'ended_at'])
      .where((eb) => eb.or([eb('caller_id', '=', userId), eb('callee_id', '=', userId)]))
      .orderBy('created_at')
      .execute();
  }

  /** Their conversations, with how many are in each. */
  async conversations(userId: string) {
    return this.db
      .selectFrom('conversation_members as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select(['c.id', 'c.organisation_id', 'c.kind', 'c.name', 'c.created_by', 'm.joined_at'])
      .select((eb) =>
        eb
          .selectFrom('conversation_members as everyone')
          .select((e) => e.fn.countAll<number | string>().as('n'))
          .whereRef('everyone.conversation_id', '=', 'c.id')
          .as('members'),
      )
      .where('m.user_id', '=', userId)
      .orderBy('c.created_at')
      .execute();
  }

  /** What they wrote, in any conversation (sealed; null once deleted). */
  async messages(userId: string) {
    return this.db
      .selectFrom('chat_messages')
      .select(['id', 'conversation_id', 'body', 'created_at', 'edited_at'])
      .where('author_id', '=', userId)
      .orderBy('id')
      .execute();
  }

  /**
   * The lines they wrote in meetings' chat (sealed): a line names a participation, and the call
   * records say whose it was.
   */
  async meetingChat(organisationId: string, subject: string) {
    return this.db
      .selectFrom('meeting_chat_messages as l')
      .select(['l.id', 'l.meeting_id', 'l.display_name', 'l.body', 'l.created_at'])
      .where(
        'l.participant_id',
        'in',
        this.db
          .selectFrom('call_participants')
          .select('participant_id')
          .where('organisation_id', '=', organisationId)
          .where('subject', '=', subject),
      )
      .orderBy('l.id')
      .execute();
  }

  async recordings(organisationId: string, userId: string) {
    return this.db
      .selectFrom('recordings')
      .select([
        'id',
        'meeting_id',
        'meeting_name',
        'owner_id',
        'started_by_id',
        'started_at',
        'ended_at',
        'status',
        'size',
        'visibility',
      ])
      .where('organisation_id', '=', organisationId)
      .where((eb) => eb.or([eb('owner_id', '=', userId), eb('started_by_id', '=', userId)]))
      .orderBy('started_at')
      .execute();
  }

  /** Meetings they are invited to (ADM-INVITE). */
  async meetingsInvitedTo(userId: string) {
    return this.db
      .selectFrom('meeting_invitees')
      .select('meeting_id')
      .where('user_id', '=', userId)
      .orderBy('meeting_id')
      .execute();
  }

  /** When their calendar feed was made (ADM-CALENDAR); its token is a secret, and only its digest is kept. */
  async calendarFeed(userId: string) {
    return this.db
      .selectFrom('calendar_feeds')
      .select('created_at')
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  async recordingsSharedWith(userId: string) {
    return this.db
      .selectFrom('recording_viewers')
      .select('recording_id')
      .where('user_id', '=', userId)
      .orderBy('recording_id')
      .execute();
  }

  /** Their participations, with the meeting's name where it still exists and no direct call made it. */
  async callRecords(organisationId: string, subject: string) {
    return this.db
      .selectFrom('call_participants as p')
      .innerJoin('call_records as r', 'r.id', 'p.call_id')
      .leftJoin('meetings as m', (join) =>
        join
          .onRef('m.id', '=', 'r.meeting_id')
          .on(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('calls')
                  .select('calls.id')
                  .whereRef('calls.meeting_id', '=', 'm.id')
                  .where('calls.kind', '=', 'direct'),
              ),
            ),
          ),
      )
      .select(['r.meeting_id', 'm.name', 'p.joined_at', 'p.left_at', 'p.media_server', 'p.region'])
      .where('p.organisation_id', '=', organisationId)
      .where('p.subject', '=', subject)
      .orderBy('p.joined_at')
      .execute();
  }

  async usage(organisationId: string, subject: string) {
    return this.db
      .selectFrom('usage_sums')
      .select(['start', 'participants', 'seconds'])
      .where('organisation_id', '=', organisationId)
      .where('dimension', '=', 'subject')
      .where('span', '=', 'hour')
      .where('key', '=', subject)
      .orderBy('start')
      .execute();
  }

  async invitationsSent(userId: string) {
    return this.db
      .selectFrom('invitations')
      .select(['id', 'role', 'created_at', 'expires_at'])
      .where('invited_by', '=', userId)
      .orderBy('created_at')
      .execute();
  }

  /** Entries they did, or done to their account, oldest first. */
  async auditEntries(organisationId: string, userId: string) {
    return this.db
      .selectFrom('audit_events')
      .select(['at', 'actor_id', 'action', 'target_kind', 'target_id', 'target_name', 'details', 'client_ip'])
      .where('organisation_id', '=', organisationId)
      .where((eb) =>
        eb.or([
          eb('actor_id', '=', userId),
          eb.and([eb('target_kind', '=', 'user'), eb('target_id', '=', userId)]),
        ]),
      )
      .orderBy('id')
      .execute();
  }
}
