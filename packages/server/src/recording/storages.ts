import type { Vault } from '../at-rest';
import type { Clock } from '../common/clock';
import { createObjectStore, RecordingStorage } from './storage';
import type { RecordingStores } from './storage/config';

/** The store of the media regions that have none of their own. */
const DEFAULT_STORE = 'default';

/**
 * The configured recording stores by name (REC-STORE: one per media region, or `default`), each opened
 * on first use: recordings are written to the one of their meeting's region and read from the one
 * their row names.
 */
export class RecordingStorages {
  private readonly opened = new Map<string, RecordingStorage>();

  constructor(
    private readonly stores: RecordingStores,
    private readonly vault: Pick<Vault, 'seal' | 'open'>,
    private readonly clock: Clock,
  ) {}

  /** The store a recording of a meeting running in `region` goes to. */
  nameFor(region: string | undefined): string {
    return region !== undefined && this.stores[region] ? region : DEFAULT_STORE;
  }

  /** A store by name, or null when none is configured under it (any more). */
  of(name: string): RecordingStorage | null {
    let storage = this.opened.get(name);
    const setting = this.stores[name];
    if (!storage && setting) {
      storage = new RecordingStorage({ store: createObjectStore(setting, this.clock), vault: this.vault });
      this.opened.set(name, storage);
    }
    return storage ?? null;
  }
}
