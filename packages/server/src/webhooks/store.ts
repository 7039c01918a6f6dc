import type { WebhookDeliveryStatus, WebhookEventType } from '@conclave/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db';

export interface EndpointRecord {
  id: string;
  organisationId: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  /** Sealed under the organisation's data key. */
  sealedSecret: string;
  enabled: boolean;
  createdAt: string;
}

export interface DeliveryRecord {
  id: string;
  endpointId: string;
  type: WebhookEventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  responseStatus: number | null;
  error: string | null;
  nextAttemptAt: string | null;
}

/** A delivery a worker holds the lease of: what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  organisationId: string;
  payload: string;
  attempts: number;
  url: string;
  sealedSecret: string;
  /** Proves the lease is still this claim's when the outcome is written. */
  lease: string;
}

/** The outcome of an attempt, as written to its delivery. */
export interface AttemptOutcome {
  status: WebhookDeliveryStatus;
  attemptedAt: string;
  responseStatus: number | null;
  error: string | null;
  nextAttemptAt: string | null;
}

/** Endpoints, the organisation's webhook settings, and the queue of deliveries. */
export class WebhookStore {
  constructor(private readonly db: Kysely<Database>) {}

  async endpoints(organisationId: string): Promise<EndpointRecord[]> {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toEndpoint);
  }

  async endpoint(organisationId: string, id: string): Promise<EndpointRecord | undefined> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  async countEndpoints(organisationId: string): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async addEndpoint(e: EndpointRecord): Promise<void> {
    await this.db
      .insertInto('webhook_endpoints')
      .values({
        id: e.id,
        organisation_id: e.organisationId,
        url: e.url,
        description: e.description,
        events: e.events.join(' '),
        secret: e.sealedSecret,
        enabled: e.enabled ? 1 : 0,
        created_at: e.createdAt,
      })
      .execute();
  }

  async updateEndpoint(
    id: string,
    change: Partial<Pick<EndpointRecord, 'url' | 'description' | 'events' | 'enabled' | 'sealedSecret'>>,
  ): Promise<void> {
    await this.db
      .updateTable('webhook_endpoints')
      .set({
        ...(change.url !== undefined && { url: change.url }),
        ...(change.description !== undefined && { description: change.description }),
        ...(change.events !== undefined && { events: change.events.join(' ') }),
        ...(change.enabled !== undefined && { enabled: change.enabled ? 1 : 0 }),
        ...(change.sealedSecret !== undefined && { secret: change.sealedSecret }),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Deletes the endpoint and, with it, its deliveries (sent or not). */
  async deleteEndpoint(id: string): Promise<void> {
    await this.db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
  }

  async allowsPrivateTargets(organisationId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('webhook_settings')
      .select('allow_private_targets')
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    return row?.allow_private_targets === 1;
  }

  async setAllowPrivateTargets(organisationId: string, allow: boolean, at: string): Promise<void> {
    const value = allow ? 1 : 0;
    await this.db
      .insertInto('webhook_settings')
      .values({ organisation_id: organisationId, allow_private_targets: value, updated_at: at })
      .onConflict((c) =>
        c.column('organisation_id').doUpdateSet({ allow_private_targets: value, updated_at: at }),
      )
      .execute();
  }

  /** The endpoint's latest deliveries, newest first. */
  async deliveries(endpointId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }

  /** Each of these endpoints' latest delivery. */
  async latestDeliveries(endpointIds: readonly string[]): Promise<Map<string, DeliveryRecord>> {
    const latest = new Map<string, DeliveryRecord>();
    for (const id of endpointIds) {
      const [row] = await this.deliveries(id, 1);
      if (row) latest.set(id, row);
    }
    return latest;
  }

  /**
   * Takes the lease of up to `limit` deliveries due at `now` whose endpoints are enabled and whose
   * lease, if any, has run out (its node died or hung). Each is taken by a conditional update that
   * also names the attempt it saw, so of nodes reaching for one delivery exactly one gets it, and
   * none takes it again before its next attempt is due.
   */
  async claim(now: string, leaseUntil: string, lease: string, limit: number): Promise<ClaimedDelivery[]> {
    const candidates = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select(['d.id', 'd.endpoint_id', 'd.organisation_id', 'd.payload', 'd.attempts', 'e.url', 'e.secret'])
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<=', now)]))
      .where('e.enabled', '=', 1)
      .orderBy('d.next_attempt_at')
      .orderBy('d.id')
      .limit(limit)
      .execute();
    const claimed: ClaimedDelivery[] = [];
    for (const c of candidates) {
      const taken = await this.db
        .updateTable('webhook_deliveries')
        .set({ lease_holder: lease, lease_until: leaseUntil })
        .where('id', '=', c.id)
        .where('status', '=', 'pending')
        .where('attempts', '=', c.attempts)
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .executeTakeFirst();
      if (taken.numUpdatedRows === 0n) continue;
      claimed.push({
        id: c.id,
        endpointId: c.endpoint_id,
        organisationId: c.organisation_id,
        payload: c.payload,
        attempts: c.attempts,
        url: c.url,
        sealedSecret: c.secret,
        lease,
      });
    }
    return claimed;
  }

  /** Deletes the deliveries made before `before` that are over (delivered or failed). */
  async prune(before: string): Promise<void> {
    await this.db
      .deleteFrom('webhook_deliveries')
      .where('created_at', '<', before)
      .where('status', '!=', 'pending')
      .execute();
  }

  /** Writes an attempt's outcome, if the lease is still the claim's; returns whether it was. */
  async complete(claimed: ClaimedDelivery, outcome: AttemptOutcome): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: outcome.status,
        attempts: claimed.attempts + 1,
        last_attempt_at: outcome.attemptedAt,
        response_status: outcome.responseStatus,
        error: outcome.error,
        next_attempt_at: outcome.nextAttemptAt,
        lease_holder: null,
        lease_until: null,
      })
      .where('id', '=', claimed.id)
      .where('lease_holder', '=', claimed.lease)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

function toEndpoint(r: Selectable<Database['webhook_endpoints']>): EndpointRecord {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    url: r.url,
    description: r.description,
    events: r.events.split(' ').filter(Boolean) as WebhookEventType[],
    sealedSecret: r.secret,
    enabled: r.enabled === 1,
    createdAt: r.created_at,
  };
}

function toDelivery(r: Selectable<Database['webhook_deliveries']>): DeliveryRecord {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    type: r.type as WebhookEventType,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at,
    lastAttemptAt: r.last_attempt_at,
    responseStatus: r.response_status,
    error: r.error,
    nextAttemptAt: r.next_attempt_at,
  };
}
