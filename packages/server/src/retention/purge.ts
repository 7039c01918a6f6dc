import type { Clock } from '../common/clock';
import type { DomainEvents } from '../domain';
import type { MediaLogger } from '../media/logger';
import type { RecordingStorages } from '../recording/storages';
import { DATA_KEPT_MS } from './service';
import type { RetentionStore } from './store';

/** What became of one organisation whose data was due. */
export interface PurgedOrganisation {
  id: string;
  users: number;
  recordings: number;
}

/**
 * Deletes for good the organisations whose contract ended DATA_KEPT_MS ago or more (PRIV-RETENTION):
 * first their recordings' sealed bytes, in the stores the database names, then the organisation's row,
 * which takes every row of its data with it (RetentionStore.deleteOrganisation). Its people's live
 * connections end and its meetings' rooms close.
 */
export class OrganisationPurge {
  constructor(
    private readonly deps: {
      store: RetentionStore;
      storages: Pick<RecordingStorages, 'of'>;
      events: DomainEvents;
      clock: Clock;
    },
  ) {}

  /** The latest contract end whose data is due now. */
  private dueBefore(): string {
    return new Date(this.deps.clock.now().getTime() - DATA_KEPT_MS).toISOString();
  }

  /** The organisations whose data is due, oldest contract end first. */
  async due(): Promise<string[]> {
    return this.deps.store.endedBefore(this.dueBefore());
  }

  /**
   * Deletes one organisation if it is (still) due; null when it is not, or gone already. A store that
   * fails throws before any row is deleted, so the next run tries again. A recording whose store is no
   * longer configured cannot be reached; its bytes stay sealed under the organisation's data key,
   * which goes with the organisation, so nobody can open them again (`unreachable` says how many).
   */
  async purge(id: string, log: MediaLogger): Promise<PurgedOrganisation | null> {
    const { store, storages, events } = this.deps;
    if (!(await this.isDue(id))) return null;
    const remains = await store.remains(id);
    if (!remains) return null;
    let unreachable = 0;
    for (const recording of remains.recordings) {
      const storage = storages.of(recording.store);
      if (storage) await storage.delete(recording.id);
      else unreachable++;
    }
    if (unreachable > 0) {
      log.warn(
        { organisationId: id, recordings: unreachable },
        'recordings of a deleted organisation are in a store that is no longer configured; their key is deleted',
      );
    }
    if (!(await store.deleteOrganisation(id, this.dueBefore()))) return null;
    for (const sessionId of remains.sessionIds) events.publish('sessionEnded', sessionId);
    for (const meetingId of remains.meetingIds) events.publish('meetingDeleted', meetingId);
    return { id, users: remains.users, recordings: remains.recordings.length };
  }

  private async isDue(id: string): Promise<boolean> {
    const organisation = await this.deps.store.organisation(id);
    const endedAt = organisation?.contractEndedAt;
    return endedAt !== null && endedAt !== undefined && endedAt <= this.dueBefore();
  }
}
