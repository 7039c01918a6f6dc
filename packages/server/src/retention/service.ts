import {
  CONTRACT_DATA_KEPT_DAYS,
  setContractRequestSchema,
  type ContractView,
  type SetContractRequest,
} from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { AuditActor, AuditLog } from '../audit';
import type { Clock } from '../common/clock';
import { notFound } from '../common/errors';
import type { UserPrincipal } from '../domain';
import type { RetentionStore } from './store';

/** How long an organisation's data outlives its contract. */
export const DATA_KEPT_MS = CONTRACT_DATA_KEPT_DAYS * 24 * 60 * 60 * 1000;

/**
 * The organisation's contract as its Administrator ends or takes it back (PRIV-RETENTION). Ending it
 * deletes nothing yet: the retention job deletes the organisation DATA_KEPT_MS later, unless the
 * contract was taken back meanwhile. Both are audited; the deletion itself cannot be (the log goes
 * with the organisation), so the job logs it.
 */
export class OrganisationContracts {
  constructor(
    private readonly store: RetentionStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async get(caller: UserPrincipal): Promise<ContractView> {
    this.authorize(caller);
    return this.view(caller.organisationId);
  }

  async set(actor: AuditActor, input: SetContractRequest): Promise<ContractView> {
    const caller = actor.principal;
    this.authorize(caller);
    const { ended } = setContractRequestSchema.parse(input);
    const id = caller.organisationId;
    const changed = ended
      ? await this.store.endContract(id, this.clock.now().toISOString())
      : await this.store.resumeContract(id);
    const view = await this.view(id);
    if (changed) {
      const organisation = await this.store.organisation(id);
      await this.audit.record(
        actor,
        ended ? 'organisation.contractEnded' : 'organisation.contractResumed',
        { kind: 'organisation', id, name: organisation?.name ?? '' },
        ended ? { deletionDueAt: view.deletionDueAt } : {},
      );
    }
    return view;
  }

  private authorize(caller: UserPrincipal): void {
    authorize(
      caller,
      'organisation.contract',
      ORGANISATION,
      'Only the Administrator can end or resume the organisation’s contract',
    );
  }

  private async view(organisationId: string): Promise<ContractView> {
    const organisation = await this.store.organisation(organisationId);
    if (!organisation) throw notFound('No such organisation');
    const endedAt = organisation.contractEndedAt;
    return {
      endedAt,
      deletionDueAt: endedAt && new Date(Date.parse(endedAt) + DATA_KEPT_MS).toISOString(),
    };
  }
}
