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

/**
 * A person acting over signaling (a recording started in a meeting): the socket's address is not
 * known where the meeting's room runs (it may be another node's), so none is written.
 */
export interface MeetingActor {
  person: { userId: string; displayName: string };
  organisationId: string;
}

/** Something the product did on a request nobody signed in made (e.g. an account made at SSO sign-in). */
export interface SystemActor {
  system: string;
  organisationId: string;
  clientIp: string;
}

export interface AuditTarget {
  kind:
    | 'user'
    | 'invitation'
    | 'meeting'
    | 'settings'
    | 'sso'
    | 'recording'
    | 'organisation'
    | 'roomSystem'
    | 'apiKey'
    | 'webhook';
  id: string | null;
  name: string;
}

/**
 * The audit log (ADM-AUDIT): each security-relevant action is written as it is done, and Superusers
 * and Administrators read it. Nothing the application does can remove an entry, nor change one but to
 * make a deleted person anonymous (PRIV-EXPORT: their name and id become "Deleted person" and a
 * random placeholder; what they did stays).
 */
export class AuditLog {
  private readonly nextId = orderedIds();

  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
  ) {}

  async record(
    by: AuditActor | SystemActor | MeetingActor,
    action: AuditAction,
    target: AuditTarget,
    details: AuditEventView['details'] = {},
  ): Promise<void> {
    const now = this.clock.now();
    const clientIp = 'clientIp' in by ? by.clientIp : '';
    await this.store.append({
      id: this.nextId(now.getTime()),
      organisationId: 'principal' in by ? by.principal.organisationId : by.organisationId,
      at: now.toISOString(),
      actor:
        'system' in by
          ? { id: null, name: by.system }
          : 'person' in by
            ? { id: by.person.userId, name: by.person.displayName }
            : { id: by.principal.userId, name: by.principal.displayName },
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
