// Join benchmark: time from clicking "Join meeting" to the first decoded remote frame for the second
// participant of a meeting (the first one already publishing), on the real web app + server + Janus
// and on a minimal page that talks to Janus directly (the baseline). Joins alternate between the two
// so that load from anything else on the machine falls on both alike.
//
// Environment: BENCH_JOINS (measured joins per scenario, default 12, at least 10 for a valid
// result), BENCH_ONLY=baseline|conclave, BENCH_TRACE=1 (print each join's timeline).
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JanusSupervisor } from '../../packages/server/src/media';
import { TestBrowser } from '../../test/e2e/support/browser';
import { mediaSkipReason } from '../../test/e2e/support/sandbox';
import { BaselineScenario } from './baseline';
import { ConclaveScenario } from './conclave';
import type { JoinSample } from './measure';

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, '../results/join.json');
const JOINS = Math.max(1, Number(process.env.BENCH_JOINS ?? 12));
const ONLY = process.env.BENCH_ONLY;
const TARGET_RATIO = 1.15;
/** BENCH_TRACE=1 prints each join's timeline (signaling messages, connection states) to stderr. */
const TRACE = process.env.BENCH_TRACE === '1';

export interface Stats {
  n: number;
  medianMs: number;
  p90Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  samplesMs: number[];
  /** Median time from the click to each step on the way (where the step was seen). */
  stepsMedianMs: Record<string, number>;
}

/**
 * Where the time goes, from a join's timeline: the signaling socket open, the first remote video
 * track announced, the last peer connection reaching "connected", then the first frame.
 */
function steps(sample: JoinSample): Record<string, number> {
  const first = (re: RegExp) => sample.timeline.find((e) => re.test(e.what))?.ms;
  const connected = sample.timeline.filter((e) => / connected$/.test(e.what)).map((e) => e.ms);
  const out: Record<string, number | undefined> = {
    socketOpen: first(/^ws open$/),
    remoteTrack: first(/^pc\d+ track video$/),
    peersConnected: connected.length ? Math.max(...connected) : undefined,
    firstFrame: Math.round(sample.ms),
  };
  return Object.fromEntries(Object.entries(out).filter((e): e is [string, number] => e[1] !== undefined));
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function median(sorted: number[]): number {
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function stats(samples: JoinSample[]): Stats {
  const ms = samples.map((s) => Math.round(s.ms));
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    n: ms.length,
    medianMs: Math.round(median(sorted)),
    p90Ms: percentile(sorted, 90),
    meanMs: Math.round(ms.reduce((a, b) => a + b, 0) / ms.length),
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
    samplesMs: ms,
    stepsMedianMs: Object.fromEntries(
      ['socketOpen', 'remoteTrack', 'peersConnected', 'firstFrame'].flatMap((k) => {
        const values = samples
          .map((x) => steps(x)[k])
          .filter((v): v is number => v !== undefined)
          .sort((a, b) => a - b);
        return values.length ? [[k, Math.round(median(values))]] : [];
      }),
    ),
  };
}

function janusVersion(): string {
  const r = spawnSync('/usr/bin/janus', ['--version'], { encoding: 'utf8' });
  return r.stdout.match(/Janus version: \d+ \(([^)]+)\)/)?.[1] ?? 'unknown';
}

interface Scenario {
  name: 'baseline' | 'conclave';
  join(): Promise<JoinSample>;
  stop(): Promise<void>;
  samples: JoinSample[];
  error: string | null;
}

async function main(): Promise<number> {
  const skip = mediaSkipReason();
  if (skip) {
    console.error(`[bench] ${skip}`);
    return 1;
  }
  const janus = new JanusSupervisor({
    binary: process.env.CONCLAVE_JANUS_BINARY ?? '/usr/bin/janus',
    wsPort: 0,
    // Apart from the Conclave server's default range, so the two Janus never compete for a port.
    rtpPortRange: { min: 40000, max: 49999 },
    iceInterfaces: process.env.CONCLAVE_MEDIA_INTERFACE ?? null,
  });
  const browser = await TestBrowser.launch();
  const scenarios: Scenario[] = [];
  try {
    const endpoint = await janus.start();
    if (ONLY !== 'conclave') {
      const s = await BaselineScenario.start(browser, endpoint);
      scenarios.push({
        name: 'baseline',
        join: () => s.join(),
        stop: () => s.stop(),
        samples: [],
        error: null,
      });
    }
    if (ONLY !== 'baseline') {
      try {
        const s = await ConclaveScenario.start(browser);
        scenarios.push({
          name: 'conclave',
          join: () => s.join(),
          stop: () => s.stop(),
          samples: [],
          error: null,
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        console.error(`[bench] conclave scenario could not start: ${message}`);
        scenarios.push({
          name: 'conclave',
          join: () => Promise.reject(new Error(message)),
          stop: async () => {},
          samples: [],
          error: message.split('\n')[0]!,
        });
      }
    }

    // One warm-up join each (not counted: first page load, code caches), then alternate.
    for (let i = -1; i < JOINS; i++) {
      for (const s of scenarios) {
        if (s.error) continue;
        try {
          const sample = await s.join();
          if (i >= 0) s.samples.push(sample);
          console.error(`[bench] ${s.name} join ${i < 0 ? 'warm-up' : i + 1}: ${Math.round(sample.ms)} ms`);
          if (TRACE)
            console.error(sample.timeline.map((e) => `    ${String(e.ms).padStart(5)} ${e.what}`).join('\n'));
        } catch (err) {
          s.error = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
          console.error(`[bench] ${s.name} failed: ${s.error}`);
        }
      }
    }
    for (const s of scenarios) await s.stop().catch(() => undefined);

    const chromium = browser.browser.version();
    const byName = (n: Scenario['name']) => scenarios.find((s) => s.name === n);
    const summarise = (s: Scenario | undefined) =>
      !s
        ? null
        : s.error
          ? { error: s.error, ...(s.samples.length ? stats(s.samples) : {}) }
          : stats(s.samples);
    const baseline = summarise(byName('baseline'));
    const conclave = summarise(byName('conclave'));
    const ratio =
      baseline && conclave && !('error' in baseline) && !('error' in conclave)
        ? Math.round((conclave.medianMs / baseline.medianMs) * 100) / 100
        : null;
    const result = {
      benchmark: 'join',
      description:
        'click on "Join meeting" to the first remote video frame presented, participant 2 of 2 (participant 1 already publishing)',
      date: new Date().toISOString(),
      joinsPerScenario: JOINS,
      baseline,
      conclave,
      ratioOfMedians: ratio,
      targetRatio: TARGET_RATIO,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
        kernel: release(),
        node: process.version,
        chromium,
        janus: janusVersion(),
      },
    };
    await mkdir(dirname(RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
    const fmt = (s: typeof baseline) =>
      !s ? 'not run' : 'medianMs' in s ? `median ${s.medianMs} ms p90 ${s.p90Ms} ms` : `failed (${s.error})`;
    console.log(
      `join: conclave ${fmt(conclave)}, baseline ${fmt(baseline)}, ` +
        `ratio ${ratio ?? 'n/a'} (target ≤ ${TARGET_RATIO})`,
    );
    return scenarios.some((s) => s.error) ? 1 : 0;
  } finally {
    await browser.close();
    await janus.stop();
  }
}

process.exitCode = await main();
