import type { Kysely } from 'kysely';
import type { AuditAction, AuditEventView } from '@conclave/protocol';
import type { Database } from '../db';

export interface AuditEntry {
  id: string;
  organisationId: string;
  at: string;
  actor: { id: string | null; name: string };
  action: AuditAction;
  target: { kind: string; id: string | null; name: string };
  details: AuditEventView['details'];
  clientIp: string;
}

export interface AuditFilter {
  organisationId: string;
  action?: AuditAction;
  actorId?: string;
  targetId?: string;
  since?: string;
  until?: string;
  /** Only entries older than this one (ids are time-ordered UUIDv7). */
  before?: string;
  limit: number;
}

/**
 * The audit log's rows: appended and read, never changed here (there is no method that could). Only
 * the deletion of an account makes the entries naming its person anonymous (users/erasure.ts).
 */
export class AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async append(e: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        id: e.id,
        organisation_id: e.organisationId,
        at: e.at,
        actor_id: e.actor.id,
        actor_name: e.actor.name,
        action: e.action,
        target_kind: e.target.kind,
        target_id: e.target.id,
        target_name: e.target.name,
        details: JSON.stringify(e.details),
        client_ip: e.clientIp,
      })
      .execute();
  }

  /** Newest first. */
  async list(f: AuditFilter): Promise<AuditEventView[]> {
    const rows = await this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('organisation_id', '=', f.organisationId)
      .$if(f.action !== undefined, (q) => q.where('action', '=', f.action!))
      .$if(f.actorId !== undefined, (q) => q.where('actor_id', '=', f.actorId!))
      .$if(f.targetId !== undefined, (q) => q.where('target_id', '=', f.targetId!))
      .$if(f.since !== undefined, (q) => q.where('at', '>=', f.since!))
      .$if(f.until !== undefined, (q) => q.where('at', '<', f.until!))
      .$if(f.before !== undefined, (q) => q.where('id', '<', f.before!))
      .orderBy('id', 'desc')
      .limit(f.limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: { id: r.actor_id, name: r.actor_name },
      action: r.action as AuditAction,
      target: { kind: r.target_kind, id: r.target_id, name: r.target_name },
      details: JSON.parse(r.details) as AuditEventView['details'],
      clientIp: r.client_ip,
    }));
  }
}
