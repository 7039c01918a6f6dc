import type { WebhookEventType, WebhookPayload } from '@conclave/protocol';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock';
import { newId } from '../common/ids';
import type { Database } from '../db';
import type { PlatformEvent, PlatformEvents } from '../domain';

/**
 * Queues an event for every enabled endpoint of its organisation that wants it: one delivery row
 * each, written with the `db` the event's own store passes (its transaction), so the event is queued
 * if and only if it was recorded. Nothing is sent here; the workers send (worker.ts).
 */
export class WebhookOutbox implements PlatformEvents {
  constructor(private readonly clock: Clock) {}

  async emit(db: Kysely<Database>, event: PlatformEvent): Promise<void> {
    const endpoints = await db
      .selectFrom('webhook_endpoints')
      .select(['id', 'events'])
      .where('organisation_id', '=', event.organisationId)
      .where('enabled', '=', 1)
      .execute();
    const wanting = endpoints.filter((e) => e.events.split(' ').includes(event.type));
    if (wanting.length === 0) return;
    const payload: WebhookPayload = {
      type: event.type,
      timestamp: event.at,
      data: await describe(db, event),
    };
    const body = JSON.stringify(payload);
    const now = this.clock.now();
    const eventId = newId(now.getTime());
    await db
      .insertInto('webhook_deliveries')
      .values(
        wanting.map((e) => ({
          id: newId(now.getTime()),
          endpoint_id: e.id,
          organisation_id: event.organisationId,
          event_id: eventId,
          type: event.type satisfies WebhookEventType,
          payload: body,
          status: 'pending' as const,
          attempts: 0,
          next_attempt_at: now.toISOString(),
          created_at: now.toISOString(),
        })),
      )
      .execute();
  }
}

/**
 * The event's `data`: ids and names, and the times it is about. Never a passcode, a token, a link
 * to a recording or anything of a meeting's keys: the payload leaves the installation.
 */
async function describe(db: Kysely<Database>, event: PlatformEvent): Promise<Record<string, unknown>> {
  const meetingRow = await db
    .selectFrom('meetings')
    .select('name')
    .where('id', '=', event.meetingId)
    .executeTakeFirst();
  const meeting = { id: event.meetingId, name: meetingRow?.name ?? null };
  switch (event.type) {
    case 'meeting.started':
      return { meeting, startedAt: event.at };
    case 'meeting.ended':
      return { meeting, startedAt: event.startedAt, endedAt: event.at };
    case 'participant.joined':
      return {
        meeting,
        participant: await participant(db, event.participantId, event.subject),
        joinedAt: event.at,
      };
    case 'participant.left':
      return {
        meeting,
        participant: await participant(db, event.participantId, event.subject),
        joinedAt: event.joinedAt,
        leftAt: event.at,
      };
    case 'recording.ready': {
      const r = await db
        .selectFrom('recordings')
        .select(['meeting_name', 'started_by_id', 'started_by_name', 'started_at', 'ended_at', 'size'])
        .where('id', '=', event.recordingId)
        .executeTakeFirst();
      return {
        meeting: { id: event.meetingId, name: meeting.name ?? r?.meeting_name ?? null },
        recording: {
          id: event.recordingId,
          startedAt: r?.started_at ?? null,
          endedAt: r?.ended_at ?? event.at,
          size: r ? Number(r.size) : null,
          startedBy: r ? { id: r.started_by_id, name: r.started_by_name } : null,
        },
      };
    }
  }
}

/** Who took part, by kind: a person of the organisation, a guest, or a room system. */
async function participant(db: Kysely<Database>, participantId: string, subject: string) {
  const id = subject.slice(2);
  switch (subject.slice(0, 2)) {
    case 'u:': {
      const u = await db.selectFrom('users').select('display_name').where('id', '=', id).executeTakeFirst();
      return { id: participantId, kind: 'user', userId: id, name: u?.display_name ?? null };
    }
    case 'g:': {
      const g = await db
        .selectFrom('guest_tokens')
        .select('display_name')
        .where('id', '=', id)
        .executeTakeFirst();
      return { id: participantId, kind: 'guest', guestId: id, name: g?.display_name ?? null };
    }
    case 'r:': {
      const r = await db.selectFrom('room_systems').select('name').where('id', '=', id).executeTakeFirst();
      return { id: participantId, kind: 'roomSystem', roomSystemId: id, name: r?.name ?? null };
    }
    default:
      // A person whose data was deleted (PRIV-EXPORT): nothing of them is told.
      return { id: participantId, kind: 'deleted', name: null };
  }
}
