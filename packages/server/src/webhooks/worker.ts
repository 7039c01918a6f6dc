import { randomUUID } from 'node:crypto';
import type { Vault } from '../at-rest';
import type { Clock } from '../common/clock';
import { postDelivery, type AttemptResult } from './sender';
import { signDelivery } from './signature';
import type { ClaimedDelivery, WebhookStore } from './store';
import { checkTarget, parseTargetUrl, TargetRefused, type HostLookup } from './targets';

/**
 * After the nth failed attempt, the next is due this much later; after the last, the delivery has
 * failed for good (about 13 hours and 8 attempts in all).
 */
const RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 3_600_000, 4 * 3_600_000, 8 * 3_600_000];

/**
 * Deliveries are kept this long for the console, then deleted (their bodies name participants);
 * pending ones stay until they are delivered or have failed.
 */
const KEPT_MS = 30 * 24 * 3_600_000;
/** How often a node deletes the deliveries past KEPT_MS. */
const PRUNE_EVERY_MS = 3_600_000;

/** The vault context an endpoint's secret is sealed under. */
export const secretContext = (endpointId: string) => `webhook-secret ${endpointId}`;

export interface WorkerOptions {
  /** How long one attempt may take, from resolving the host to the end of the answer. */
  timeoutMs: number;
  /**
   * How long a claim holds a delivery; another node takes it again after that. Well above
   * `timeoutMs`, so a delivery being sent is never sent by a second node too.
   */
  leaseMs: number;
  /** Deliveries claimed (and sent at once) per round. */
  batch: number;
  /** How often a round starts by itself; 0: only when `work` is called (tests drive it so). */
  everyMs: number;
}

const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  timeoutMs: 10_000,
  leaseMs: 120_000,
  batch: 10,
  everyMs: 1_000,
};

export interface WorkerDeps {
  store: WebhookStore;
  vault: Vault;
  clock: Clock;
  lookup: HostLookup;
  options?: Partial<WorkerOptions>;
  onError: (err: unknown, what: string) => void;
}

/**
 * Sends the queued deliveries that are due. Every node runs one over the same queue: a delivery is
 * claimed with a lease (WebhookStore.claim), so each attempt is made by one node; one whose node died
 * mid-way is taken again once its lease has run out. Each attempt checks the endpoint's address
 * afresh (DNS may have changed since it was registered) and connects to the address it checked.
 */
export class WebhookWorker {
  private readonly options: WorkerOptions;
  private round: Promise<void> = Promise.resolve();
  private prunedAt = -Infinity;

  constructor(private readonly deps: WorkerDeps) {
    this.options = { ...DEFAULT_WORKER_OPTIONS, ...deps.options };
  }

  /** Runs one round after any round already running here; resolves when it is over. */
  work(): Promise<void> {
    this.round = this.round
      .then(async () => {
        await this.prune();
        const claimed = await this.claim();
        await Promise.all(claimed.map((c) => this.deliver(c)));
      })
      .catch((err: unknown) => this.deps.onError(err, 'webhook deliveries'));
    return this.round;
  }

  /** Takes the lease of the deliveries due now (a round's first half: tests stop a node after it). */
  claim(): Promise<ClaimedDelivery[]> {
    const now = this.deps.clock.now();
    return this.deps.store.claim(
      now.toISOString(),
      new Date(now.getTime() + this.options.leaseMs).toISOString(),
      randomUUID(),
      this.options.batch,
    );
  }

  /** Rounds every `everyMs` from now on; the returned stop waits for the round under way. */
  start(): () => Promise<void> {
    const timer =
      this.options.everyMs > 0 ? setInterval(() => void this.work(), this.options.everyMs) : undefined;
    timer?.unref();
    return async () => {
      clearInterval(timer);
      await this.round;
    };
  }

  private async prune(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    await this.deps.store.prune(new Date(now - KEPT_MS).toISOString());
  }

  private async deliver(claimed: ClaimedDelivery): Promise<void> {
    const result = await this.attempt(claimed);
    const now = this.deps.clock.now();
    const delay = RETRY_DELAYS_MS[claimed.attempts];
    const delivered = result.error === null;
    await this.deps.store.complete(claimed, {
      status: delivered ? 'delivered' : delay === undefined ? 'failed' : 'pending',
      attemptedAt: now.toISOString(),
      responseStatus: result.status,
      error: result.error,
      nextAttemptAt: delivered || delay === undefined ? null : new Date(now.getTime() + delay).toISOString(),
    });
  }

  private async attempt(claimed: ClaimedDelivery): Promise<AttemptResult> {
    const { store, vault, clock, lookup } = this.deps;
    try {
      const allowPrivate = await store.allowsPrivateTargets(claimed.organisationId);
      const target = await withTimeout(
        checkTarget(parseTargetUrl(claimed.url, allowPrivate), allowPrivate, lookup),
        this.options.timeoutMs,
      );
      const secret = await vault.open(
        claimed.organisationId,
        claimed.sealedSecret,
        secretContext(claimed.endpointId),
      );
      const timestamp = Math.floor(clock.now().getTime() / 1000);
      const headers = {
        'webhook-id': claimed.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signDelivery(secret, claimed.id, timestamp, claimed.payload),
      };
      return await postDelivery(target, headers, claimed.payload, this.options.timeoutMs);
    } catch (err) {
      if (err instanceof TargetRefused) return { status: null, error: err.message };
      this.deps.onError(err, 'webhook delivery');
      return { status: null, error: 'could not be sent' };
    }
  }
}

/** Refuses a check that takes longer than an attempt may (a resolver that does not answer). */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TargetRefused('The host could not be resolved in time')), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
