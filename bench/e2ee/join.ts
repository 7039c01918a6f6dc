// Join benchmark, E2EE against plain: the time from the click on "Join meeting" to the first remote
// video frame presented, for the second participant of a meeting, measured exactly as bench/join
// measures Conclave (same scenario, probe and production web build) in two meetings that differ only
// in their E2EE flag. With E2EE a frame can only be presented once decrypted, so the figure includes
// the device identity, the group admission and commit, the senders' switch and the first key frame.
// Joins alternate between the two, one unmeasured warm-up each.
//
// Environment: BENCH_JOINS (measured joins per variant, default 12), BENCH_TRACE=1 (print each
// join's timeline to stderr).
import { TestBrowser } from '../../test/e2e/support/browser';
import { mediaSkipReason } from '../../test/e2e/support/sandbox';
import { ConclaveScenario } from '../join/conclave';
import type { JoinSample } from '../join/measure';
import { machine, report, round, summarise } from '../report';

const JOINS = Math.max(1, Number(process.env.BENCH_JOINS ?? 12));
const TARGET_RATIO = 1.2;
const TRACE = process.env.BENCH_TRACE === '1';

type Variant = 'plain' | 'e2ee';

/** Where a join spends its time: the first time each is seen after the click (the probe's timeline). */
const STEPS: Record<string, RegExp> = {
  joined: /^ws ← joined$/,
  /** E2EE: the owner's device admitted us; our Welcome (we are in the group); senders switched. */
  admitted: /^ws ← e2eeAdmitted$/,
  welcome: /^ws ← e2eeWelcome$/,
  ready: /^ws → e2eeReady$/,
  execute: /^ws ← e2eeExecute$/,
  remoteTrack: /^pc\d+ track video$/,
  connected: /^pc\d+ connected$/,
};

/** The median time from the click to a step of the join's timeline (see bench/join/probe.ts). */
function stepMedian(samples: JoinSample[], what: RegExp): number | null {
  const values = samples.flatMap((s) => s.timeline.find((e) => what.test(e.what))?.ms ?? []);
  return values.length ? summarise(values).median : null;
}

async function main(): Promise<number> {
  const skip = mediaSkipReason();
  if (skip) {
    console.error(`[bench] ${skip}`);
    return 1;
  }
  const browser = await TestBrowser.launch();
  const chromium = browser.browser.version();
  const scenarios: Partial<Record<Variant, ConclaveScenario>> = {};
  const samples: Record<Variant, JoinSample[]> = { plain: [], e2ee: [] };
  let error: string | null = null;
  try {
    scenarios.plain = await ConclaveScenario.start(browser);
    scenarios.e2ee = await ConclaveScenario.start(browser, { e2ee: true });
    for (let i = -1; i < JOINS && !error; i++) {
      for (const variant of ['plain', 'e2ee'] as const) {
        try {
          const sample = await scenarios[variant]!.join();
          if (i >= 0) samples[variant].push(sample);
          console.error(`[bench] ${variant} join ${i < 0 ? 'warm-up' : i + 1}: ${Math.round(sample.ms)} ms`);
          if (TRACE) for (const e of sample.timeline) console.error(`[bench]   ${e.ms} ms ${e.what}`);
        } catch (err) {
          error = `${variant}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
          console.error(`[bench] failed: ${error}`);
          break;
        }
      }
    }
  } finally {
    for (const s of Object.values(scenarios)) await s.stop().catch(() => undefined);
    await browser.close();
  }
  const figures = (v: Variant) => ({
    ...summarise(samples[v].map((s) => s.ms)),
    stepsMedianMs: Object.fromEntries(
      Object.entries(STEPS).map(([step, what]) => [step, stepMedian(samples[v], what)]),
    ),
  });
  const plain = figures('plain');
  const e2ee = figures('e2ee');
  const ok = !error && plain.n > 0 && e2ee.n > 0;
  const ratio = ok ? round(e2ee.median / plain.median, 2) : null;
  const result = {
    benchmark: 'e2ee-join',
    description:
      'click on "Join meeting" to the first remote video frame presented (decrypted, with E2EE), participant 2 of 2, ms',
    date: new Date().toISOString(),
    joinsPerVariant: JOINS,
    plain,
    e2ee,
    ratioOfMedians: ratio,
    targetRatio: TARGET_RATIO,
    error,
    machine: machine(chromium),
  };
  const fmt = (s: typeof plain) => (s.n ? `median ${s.median} ms p90 ${s.p90} ms` : 'n/a');
  await report(
    'e2ee-join',
    result,
    `join: E2EE ${fmt(e2ee)}, plain ${fmt(plain)}, ratio ${ratio ?? 'n/a'} (target ≤ ${TARGET_RATIO})` +
      (error ? `; FAILED: ${error}` : ''),
  );
  return error ? 1 : 0;
}

process.exitCode = await main();
