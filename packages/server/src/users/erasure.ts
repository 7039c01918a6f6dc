import { sql, type Transaction } from 'kysely';
import type { AuditAction, AuditEventView } from '@conclave/protocol';
import type { Database } from '../db';
import { DELETED_PERSON } from '../domain';

type Tx = Transaction<Database>;

/** The person whose account goes, as stored before it goes. */
export interface ErasedPerson {
  id: string;
  organisationId: string;
  email: string;
  displayName: string;
}

/** Details of audit entries about a person that name them or what they named (the rest stays). */
const PERSONAL_DETAILS: Partial<Record<AuditAction, readonly string[]>> = {
  'user.renamed': ['from', 'to'],
  'user.passkeyRenamed': ['from', 'to'],
  'user.secondFactorAdded': ['name'],
  'user.secondFactorRemoved': ['name'],
};

/**
 * PRIV-EXPORT: when an account is deleted, nothing personal about the person stays behind, in the same
 * transaction that deletes it. What is only theirs goes with the account by the foreign keys (sessions,
 * devices, second factors, meetings, calls, conversation memberships, the messages they wrote). What
 * others keep is made anonymous, under one new random placeholder per person (`placeholder`, never
 * their id), so that it still adds up: the audit log says a "Deleted person" did or underwent what
 * they did, still one and the same person, from no address (theirs was personal data too; an
 * Administrator's acting on them stays); recordings they own or started stay the organisation's;
 * call records and usage sums count `x:<placeholder>` instead of `u:<id>`, so report totals do not
 * change. Free text other people wrote (their messages, meeting names) is theirs and stays as written.
 */
export async function erasePerson(tx: Tx, person: ErasedPerson, placeholder: string): Promise<void> {
  const org = person.organisationId;
  const subject = `u:${person.id}`;
  const names = await knownNames(tx, person);

  // Lines they wrote in the chat of a meeting still going on: the call records say whose they are.
  await tx
    .deleteFrom('meeting_chat_messages')
    .where(
      'participant_id',
      'in',
      tx
        .selectFrom('call_participants')
        .select('participant_id')
        .where('organisation_id', '=', org)
        .where('subject', '=', subject),
    )
    .execute();
  // Call records and usage: the placeholder never existed before, so no usage row collides with it.
  await tx
    .updateTable('call_participants')
    .set({ subject: `x:${placeholder}` })
    .where('organisation_id', '=', org)
    .where('subject', '=', subject)
    .execute();
  await tx
    .updateTable('usage_sums')
    .set({ key: `x:${placeholder}` })
    .where('organisation_id', '=', org)
    .where('dimension', '=', 'subject')
    .where('key', '=', subject)
    .execute();

  await tx
    .updateTable('recordings')
    .set({ owner_id: placeholder })
    .where('organisation_id', '=', org)
    .where('owner_id', '=', person.id)
    .execute();
  await tx
    .updateTable('recordings')
    .set({ started_by_id: placeholder, started_by_name: DELETED_PERSON })
    .where('organisation_id', '=', org)
    .where('started_by_id', '=', person.id)
    .execute();

  await eraseFromAuditLog(tx, person, names, placeholder);
  await renameCallMeetings(tx, org, names);

  // A direct conversation names its pair: the other person keeps it, without them.
  await tx
    .updateTable('conversations')
    .set({ direct_pair: null })
    .where('organisation_id', '=', org)
    .where('direct_pair', 'like', `%${person.id}%`)
    .execute();
  // An invitation still pending for their address is about them too.
  await tx
    .deleteFrom('invitations')
    .where('organisation_id', '=', org)
    .where('email', '=', person.email)
    .execute();
}

/** Their name now, and those the audit log says they had before. */
async function knownNames(tx: Tx, person: ErasedPerson): Promise<string[]> {
  const renames = await tx
    .selectFrom('audit_events')
    .select('details')
    .where('organisation_id', '=', person.organisationId)
    .where('action', '=', 'user.renamed')
    .where('target_kind', '=', 'user')
    .where('target_id', '=', person.id)
    .execute();
  const names = new Set([person.displayName]);
  for (const r of renames) {
    for (const name of Object.values(parseDetails(r.details))) if (typeof name === 'string') names.add(name);
  }
  return [...names];
}

async function eraseFromAuditLog(
  tx: Tx,
  person: ErasedPerson,
  names: readonly string[],
  placeholder: string,
): Promise<void> {
  const org = person.organisationId;
  await tx
    .updateTable('audit_events')
    .set({ actor_id: placeholder, actor_name: DELETED_PERSON, client_ip: '' })
    .where('organisation_id', '=', org)
    .where('actor_id', '=', person.id)
    .execute();
  const about = await tx
    .selectFrom('audit_events')
    .select(['id', 'action', 'details', 'actor_id'])
    .where('organisation_id', '=', org)
    .where('target_kind', '=', 'user')
    .where('target_id', '=', person.id)
    .execute();
  for (const entry of about) {
    const details = parseDetails(entry.details);
    for (const key of PERSONAL_DETAILS[entry.action as AuditAction] ?? []) {
      if (key in details) details[key] = DELETED_PERSON;
    }
    await tx
      .updateTable('audit_events')
      .set({
        target_id: placeholder,
        target_name: DELETED_PERSON,
        details: JSON.stringify(details),
        // Done by the product on their own request (an invitation link, single sign-on, a reset
        // link): the address was theirs.
        ...(entry.actor_id === null && { client_ip: '' }),
      })
      .where('id', '=', entry.id)
      .execute();
  }
  // Invitations are named by the address they went to.
  await tx
    .updateTable('audit_events')
    .set({ target_name: DELETED_PERSON })
    .where('organisation_id', '=', org)
    .where('target_kind', '=', 'invitation')
    .where('target_name', '=', person.email)
    .execute();
  // Whom a moderator rang into a meeting is named in the details.
  const rung = await tx
    .selectFrom('audit_events')
    .select(['id', 'details'])
    .where('organisation_id', '=', org)
    .where('action', '=', 'meeting.personRung')
    .execute();
  for (const entry of rung) {
    const details = parseDetails(entry.details);
    if (typeof details.callee !== 'string' || !names.includes(details.callee)) continue;
    await tx
      .updateTable('audit_events')
      .set({ details: JSON.stringify({ ...details, callee: DELETED_PERSON }) })
      .where('id', '=', entry.id)
      .execute();
  }
}

/**
 * A direct call's meeting is named after both people ("Ada and Bob", "Call from Ada"; calls/): where
 * that name was kept (the one-time meeting until it takes place, a recording of it, the audit log),
 * their part of it becomes the placeholder. Ordinary meetings keep the names their owners gave them.
 */
async function renameCallMeetings(tx: Tx, org: string, names: readonly string[]): Promise<void> {
  const ordinary = tx.selectFrom('meetings').select('id').where('one_time', '=', 0);
  for (const name of names) {
    const pattern = `%${escapeLike(name)}%`;
    const meetings = await tx
      .selectFrom('meetings')
      .select(['id', 'name'])
      .where('organisation_id', '=', org)
      .where('one_time', '=', 1)
      .where(likeEscaped('name', pattern))
      .execute();
    for (const m of meetings) {
      const renamed = withoutName(m.name, name);
      if (renamed !== m.name) {
        await tx.updateTable('meetings').set({ name: renamed }).where('id', '=', m.id).execute();
      }
    }
    const recordings = await tx
      .selectFrom('recordings')
      .select(['id', 'meeting_name'])
      .where('organisation_id', '=', org)
      .where('meeting_id', 'not in', ordinary)
      .where(likeEscaped('meeting_name', pattern))
      .execute();
    for (const r of recordings) {
      const renamed = withoutName(r.meeting_name, name);
      if (renamed !== r.meeting_name) {
        await tx.updateTable('recordings').set({ meeting_name: renamed }).where('id', '=', r.id).execute();
      }
    }
    const entries = await tx
      .selectFrom('audit_events')
      .select(['id', 'target_name'])
      .where('organisation_id', '=', org)
      .where('target_kind', '=', 'meeting')
      .where('target_id', 'not in', ordinary)
      .where(likeEscaped('target_name', pattern))
      .execute();
    for (const e of entries) {
      const renamed = withoutName(e.target_name, name);
      if (renamed !== e.target_name) {
        await tx.updateTable('audit_events').set({ target_name: renamed }).where('id', '=', e.id).execute();
      }
    }
  }
}

/** The name a call made, with `name`'s part of it replaced; any other name unchanged. */
function withoutName(meetingName: string, name: string): string {
  if (meetingName === `Call from ${name}`) return `Call from ${DELETED_PERSON}`;
  if (meetingName.startsWith(`${name} and `)) return `${DELETED_PERSON}${meetingName.slice(name.length)}`;
  if (meetingName.endsWith(` and ${name}`)) {
    return `${meetingName.slice(0, -name.length)}${DELETED_PERSON}`;
  }
  return meetingName;
}

const escapeLike = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);
// SQLite's LIKE ignores ASCII case and PostgreSQL's does not: only a first cut, checked exactly after.
const likeEscaped = (column: 'name' | 'meeting_name' | 'target_name', pattern: string) =>
  sql<boolean>`${sql.ref(column)} like ${pattern} escape '!'`;

function parseDetails(text: string): AuditEventView['details'] {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as AuditEventView['details']) : {};
  } catch {
    return {};
  }
}
