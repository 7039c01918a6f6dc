import type { AuditAction, AuditEventView, AuditPageView, AuditQuery } from '@conclave/protocol';
import { auditQuerySchema } from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { Clock } from '../common/clock';
import { orderedIds } from '../common/ids';
import type { UserPrincipal } from '../domain';
import type { AuditStore } from './store';

/** Who did it, and from where: a signed-in person's request. */
export interface AuditActor {
  principal: UserPrincipal;
  clientIp: string;
}

export interface AuditTarget {
  kind: 'user' | 'meeting' | 'settings';
  id: string;
  name: string;
}

/**
 * The audit log (ADM-AUDIT): each security-relevant action is written as it is done, and Superusers
 * and Administrators read it. Nothing the application does can change or remove an entry.
 */
export class AuditLog {
  private readonly nextId = orderedIds();

  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
  ) {}

  async record(
    { principal, clientIp }: AuditActor,
    action: AuditAction,
    target: AuditTarget,
    details: AuditEventView['details'] = {},
  ): Promise<void> {
    const now = this.clock.now();
    await this.store.append({
      id: this.nextId(now.getTime()),
      organisationId: principal.organisationId,
      at: now.toISOString(),
      actor: { id: principal.userId, name: principal.displayName },
      action,
      target,
      details,
      clientIp,
    });
  }

  async list(caller: UserPrincipal, query: AuditQuery): Promise<AuditPageView> {
    authorize(
      caller,
      'audit.view',
      ORGANISATION,
      'Only Superusers and Administrators can read the audit log',
    );
    const { limit, ...filter } = auditQuerySchema.parse(query);
    // One more than asked tells whether there is a next page.
    const events = await this.store.list({
      ...filter,
      organisationId: caller.organisationId,
      limit: limit + 1,
    });
    const page = events.slice(0, limit);
    return { events: page, next: events.length > limit ? page.at(-1)!.id : null };
  }
}
