import { randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock';
import type { MediaLogger } from '../media/logger';
import type { JobLeases } from './lease';
import { deleteOldLogFiles } from './old-logs';
import type { OrganisationPurge, PurgedOrganisation } from './purge';

/** How often every node runs retention. */
const RETENTION_EVERY_MS = 60 * 60_000;
/** The lease's name in job_leases. */
const JOB = 'retention';
/** Far longer than deleting one organisation takes; renewed before each. */
const LEASE_MS = 15 * 60_000;

/** What one run did. */
export interface RetentionRun {
  /** This node's log files that were old enough. */
  logFilesDeleted: string[];
  /** Whether this runner held the lease, and so looked for organisations to delete. */
  leased: boolean;
  organisationsDeleted: PurgedOrganisation[];
}

/**
 * The retention job (PRIV-RETENTION), run by every node each hour and once at start. Each node deletes
 * its own old log files (they are in its own data folder); the organisations whose data is due are
 * deleted by whichever node holds the job's lease in the database, one runner at a time.
 */
export class RetentionJob {
  private readonly holder: string;
  private running: Promise<RetentionRun> | null = null;

  constructor(
    private readonly deps: {
      leases: Pick<JobLeases, 'take' | 'release'>;
      purge: Pick<OrganisationPurge, 'due' | 'purge'>;
      /** This node's log folder (http/log-files.ts). */
      logsFolder: string;
      clock: Clock;
      logger: MediaLogger;
    },
  ) {
    this.holder = randomUUID();
  }

  /** One run; a run asked for while one is going on here is that one. */
  run(): Promise<RetentionRun> {
    this.running ??= this.runOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Runs now and every `everyMs` (never keeping the process alive). Returns the stop function, which
   * waits for a run going on, so the database is not closed under it.
   */
  start(everyMs = RETENTION_EVERY_MS): () => Promise<void> {
    const tick = () =>
      void this.run().catch((err: unknown) => this.deps.logger.error({ err }, 'retention failed'));
    const timer = setInterval(tick, everyMs);
    timer.unref();
    tick();
    return async () => {
      clearInterval(timer);
      await this.running?.catch(() => {});
    };
  }

  private async runOnce(): Promise<RetentionRun> {
    const { leases, purge, logsFolder, clock, logger } = this.deps;
    const logFilesDeleted = await this.deleteOldLogs(logsFolder, clock.now());
    if (!(await leases.take(JOB, this.holder, LEASE_MS))) {
      return { logFilesDeleted, leased: false, organisationsDeleted: [] };
    }
    const organisationsDeleted: PurgedOrganisation[] = [];
    try {
      for (const id of await purge.due()) {
        // A runner that paused past its lease (a long deletion, a stalled process) stops here.
        if (!(await leases.take(JOB, this.holder, LEASE_MS))) break;
        try {
          const done = await purge.purge(id, logger);
          if (!done) continue;
          organisationsDeleted.push(done);
          // The audit log went with the organisation: this line is what is left of the deletion.
          logger.info(
            { organisationId: done.id, users: done.users, recordings: done.recordings },
            'organisation deleted: its contract ended 180 days ago',
          );
        } catch (err) {
          // The others go on; this one is tried again at the next run.
          logger.error({ err, organisationId: id }, 'deleting an organisation failed');
        }
      }
    } finally {
      await leases.release(JOB, this.holder);
    }
    return { logFilesDeleted, leased: true, organisationsDeleted };
  }

  private async deleteOldLogs(folder: string, now: Date): Promise<string[]> {
    try {
      const deleted = await deleteOldLogFiles(folder, now);
      if (deleted.length > 0)
        this.deps.logger.info({ files: deleted }, 'log files older than 30 days deleted');
      return deleted;
    } catch (err) {
      this.deps.logger.error({ err, folder }, 'deleting old log files failed');
      return [];
    }
  }
}
