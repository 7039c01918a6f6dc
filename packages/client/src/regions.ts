import { MAX_REGION_RTTS, REGION_PATTERN, type RegionRtts } from '@conclave/protocol';

/** How the SDK makes HTTP requests: the browser's `fetch`, or a stand-in in tests. */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** Requests per region: the first also pays for the connection, so the median of three is the round trip. */
const PROBES_PER_REGION = 3;
/**
 * The most measuring may take, everything included: a dead or slow probe never holds a join up for
 * longer. Regions not measured by then are left out (the server places those after the measured ones).
 */
const MEASURE_BUDGET_MS = 1_500;

export interface MeasureOptions {
  fetch: FetchLike;
  budgetMs?: number;
  /** Milliseconds from any fixed point (default `performance.now`). */
  now?: () => number;
}

/**
 * Where the server lists its media regions, beside its signaling endpoint: `wss://host/api/signal`
 * → `https://host/api/regions`.
 */
export function regionsUrl(signalingUrl: string): string {
  const url = new URL(signalingUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = url.pathname.replace(/[^/]*$/, 'regions');
  url.search = '';
  return url.toString();
}

/**
 * Times every media region the server lists (NET-REGIONS), all at once: each region's probe three
 * times in a row, keeping the median, within `budgetMs` in all. Resolves with the regions it could
 * measure, in ms; never rejects (a join goes on without measurements), and with only one region
 * measures nothing, as there is nothing to choose.
 */
export async function measureRegions(listUrl: string, options: MeasureOptions): Promise<RegionRtts> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.budgetMs ?? MEASURE_BUDGET_MS);
  const now = options.now ?? (() => performance.now());
  const rtts: RegionRtts = {};
  try {
    const res = await options.fetch(listUrl, { signal: abort.signal, cache: 'no-store' });
    if (!res.ok) return rtts;
    const regions = probesOf(await res.json());
    if (regions.length < 2) return rtts;
    await Promise.all(
      regions.map(async ({ name, probeUrl }) => {
        const times: number[] = [];
        for (let i = 0; i < PROBES_PER_REGION && !abort.signal.aborted; i++) {
          const time = await timeOnce(probeUrl, abort.signal, options.fetch, now);
          if (time === null) break;
          times.push(time);
        }
        if (times.length > 0) rtts[name] = Math.round(median(times) * 10) / 10;
      }),
    );
  } catch {
    // The list could not be had in time: join without measurements.
  } finally {
    clearTimeout(timer);
  }
  return rtts;
}

/**
 * One round trip to a probe, or null when it failed. CORS without credentials: the probe is on the
 * region's own origin, and only a readable 2xx counts (an error page is no measurement of a region).
 */
async function timeOnce(
  url: string,
  signal: AbortSignal,
  fetchFn: FetchLike,
  now: () => number,
): Promise<number | null> {
  const start = now();
  try {
    const res = await fetchFn(url, { mode: 'cors', credentials: 'omit', cache: 'no-store', signal });
    return res.ok ? now() - start : null;
  } catch {
    return null;
  }
}

/** The regions in a GET /api/regions answer that are well formed, at most as many as a join may carry. */
function probesOf(body: unknown): Array<{ name: string; probeUrl: string }> {
  const list = (body as { regions?: unknown } | null)?.regions;
  if (!Array.isArray(list)) return [];
  return list
    .filter(
      (r): r is { name: string; probeUrl: string } =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as { name?: unknown }).name === 'string' &&
        REGION_PATTERN.test((r as { name: string }).name) &&
        typeof (r as { probeUrl?: unknown }).probeUrl === 'string',
    )
    .slice(0, MAX_REGION_RTTS);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
