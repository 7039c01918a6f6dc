// CPU benchmark: a 3-party call with E2EE and without, on the real server and Janus in the sandbox.
// Calls alternate between the two variants; in each, once everyone decodes everyone, the CPU time
// of Chromium's processes, Janus and the server is read from /proc over the same fixed window.
//
// Environment: BENCH_ROUNDS (calls per variant, default 3), BENCH_WINDOW_S (seconds measured per call,
// default 20), BENCH_SIZE (participants, default 3).
import { TestBrowser } from '../../test/e2e/support/browser';
import { completeSetup } from '../../test/e2e/support/app';
import { mediaSkipReason } from '../../test/e2e/support/sandbox';
import { roomMediaStats } from '../../test/e2e/support/media';
import { TestServer } from '../../test/e2e/support/server';
import { Call } from './call';
import { cpuBetween, sampleCpu } from './proc-cpu';
import { machine, median, report, round, summarise } from '../report';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const WINDOW_S = Math.max(1, Number(process.env.BENCH_WINDOW_S ?? 20));
const SIZE = Math.max(2, Number(process.env.BENCH_SIZE ?? 3));
/** After everyone decodes everyone: encoders ramp up their bitrate, Codewords are derived. */
const SETTLE_MS = 5_000;
const TARGET_RATIO = 1.1;

type Variant = 'plain' | 'e2ee';
interface CallCpu {
  /** Remote camera frames decoded per second, all receivers together. */
  decodedFps: number;
  chromium: number;
  janus: number;
  server: number;
  /** Chromium + Janus, in % of one core: the figure compared. */
  total: number;
  /** Chromium's CPU by thread name (all its processes), % of one core. */
  chromiumThreads: Record<string, number>;
}

/** Remote camera frames decoded so far, by every page of the call. */
async function decodedFrames(call: Call): Promise<number> {
  const stats = await Promise.all(call.people.map((p) => roomMediaStats(p.page)));
  return stats.flat().reduce((sum, s) => sum + (s.kind === 'video' ? s.framesDecoded : 0), 0);
}

/** Chromium's busiest threads by name, the mean over a variant's calls (a profile of where its time goes). */
function threadMeans(calls: CallCpu[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const c of calls)
    for (const [name, pct] of Object.entries(c.chromiumThreads)) sums[name] = (sums[name] ?? 0) + pct;
  return Object.fromEntries(
    Object.entries(sums)
      .map(([name, sum]) => [name, round(sum / calls.length, 1)] as const)
      .filter(([, pct]) => pct >= 0.5)
      .sort((x, y) => y[1] - x[1]),
  );
}

const log = (line: string) => console.error(`[bench] ${line}`);

async function measureCall(browser: TestBrowser, server: TestServer, variant: Variant): Promise<CallCpu> {
  const call = await Call.start(browser, server, { e2ee: variant === 'e2ee', size: SIZE });
  try {
    if (variant === 'e2ee') await call.waitForOneEpoch();
    await call.waitForMedia();
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const framesBefore = await decodedFrames(call);
    const a = sampleCpu();
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
    const cpu = cpuBetween(a, sampleCpu());
    // Frames decoded meanwhile: a call that falls behind under load costs less CPU, not more.
    const fps = (await decodedFrames(call)) - framesBefore;
    return {
      decodedFps: round(fps / cpu.seconds, 1),
      chromium: round(cpu.chromium, 1),
      janus: round(cpu.janus, 1),
      server: round(cpu.server, 1),
      total: round(cpu.chromium + cpu.janus, 1),
      chromiumThreads: Object.fromEntries(
        Object.entries(cpu.chromiumThreads).map(([name, pct]) => [name, round(pct, 1)]),
      ),
    };
  } finally {
    await call.close();
  }
}

async function main(): Promise<number> {
  const skip = mediaSkipReason();
  if (skip) {
    console.error(`[bench] ${skip}`);
    return 1;
  }
  const server = await TestServer.start({ env: { CONCLAVE_LOG_LEVEL: 'warn' } });
  const browser = await TestBrowser.launch();
  const chromium = browser.browser.version();
  const calls: Record<Variant, CallCpu[]> = { plain: [], e2ee: [] };
  let error: string | null = null;
  try {
    await completeSetup(server);
    // Alternating, so that other load on the machine falls on both alike; the order flips each round.
    for (let i = 0; i < ROUNDS && !error; i++) {
      for (const variant of (i % 2 ? ['e2ee', 'plain'] : ['plain', 'e2ee']) as Variant[]) {
        try {
          // A join that times out on a loaded machine is retried once; the figures are of whole calls.
          const cpu = await measureCall(browser, server, variant).catch((err: unknown) => {
            log(
              `${variant} call ${i + 1} failed, once more: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
            );
            return measureCall(browser, server, variant);
          });
          calls[variant].push(cpu);
          log(
            `${variant} call ${i + 1}: Chromium ${cpu.chromium} % + Janus ${cpu.janus} % = ${cpu.total} % of a core`,
          );
        } catch (err) {
          error = `${variant}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
          log(`failed: ${error}`);
          break;
        }
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const figures = (v: Variant) => ({
    calls: calls[v].map(({ chromiumThreads: _, ...c }) => c),
    chromiumThreads: threadMeans(calls[v]),
    decodedFps: summarise(
      calls[v].map((c) => c.decodedFps),
      1,
    ),
    chromium: summarise(
      calls[v].map((c) => c.chromium),
      1,
    ),
    janus: summarise(
      calls[v].map((c) => c.janus),
      1,
    ),
    server: summarise(
      calls[v].map((c) => c.server),
      1,
    ),
    total: summarise(
      calls[v].map((c) => c.total),
      1,
    ),
  });
  const ok = !error && calls.plain.length > 0 && calls.e2ee.length > 0;
  const ratio = ok
    ? round(median(calls.e2ee.map((c) => c.total)) / median(calls.plain.map((c) => c.total)), 2)
    : null;
  // Per round: each E2EE call against the plain call next to it.
  const pairRatios = calls.e2ee.flatMap((c, i) => (calls.plain[i] ? [c.total / calls.plain[i].total] : []));
  const result = {
    benchmark: 'e2ee-cpu',
    description: `CPU of a ${SIZE}-party call, Chromium processes + Janus, % of one core over ${WINDOW_S} s`,
    date: new Date().toISOString(),
    workload: { participants: SIZE, windowSeconds: WINDOW_S, callsPerVariant: ROUNDS, settleMs: SETTLE_MS },
    plain: figures('plain'),
    e2ee: figures('e2ee'),
    ratioOfMedians: ratio,
    medianPairRatio: pairRatios.length ? round(median(pairRatios), 2) : null,
    targetRatio: TARGET_RATIO,
    error,
    machine: machine(chromium),
  };
  const med = (v: Variant) =>
    calls[v].length ? `${median(calls[v].map((c) => c.total)).toFixed(1)} %` : 'n/a';
  await report(
    'e2ee-cpu',
    result,
    `cpu: ${SIZE}-party call, Chromium + Janus, E2EE ${med('e2ee')} vs plain ${med('plain')} of a core, ` +
      `ratio ${ratio ?? 'n/a'} (per pair ${result.medianPairRatio ?? 'n/a'}, target ≤ ${TARGET_RATIO})` +
      (error ? `; FAILED: ${error}` : ''),
  );
  return error ? 1 : 0;
}

process.exitCode = await main();
