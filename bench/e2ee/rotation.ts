// Rotation benchmark: the time from a leave until every remaining participant sends under the new
// epoch, in an E2EE call of 3 and of 8 Chromium pages (real server and Janus, in the sandbox), and in
// a group of 50 members simulated in Node with the same package and the server's delivery service.
//
// Environment: BENCH_LEAVES (leaves per group size, default 5), BENCH_SIZES (browser call sizes,
// default "3,8"), BENCH_SIM_SIZE (simulated members, default 50), BENCH_ONLY=browsers|node.
import { TestBrowser } from '../../test/e2e/support/browser';
import { completeSetup } from '../../test/e2e/support/app';
import { mediaSkipReason } from '../../test/e2e/support/sandbox';
import { TestServer } from '../../test/e2e/support/server';
import { machine, report, summarise, type Summary } from '../report';
import { measureBrowserRotations, type BrowserRotation } from './rotation-browsers';
import { SimulatedGroup, type SimRotation } from './rotation-sim';

const LEAVES = Math.max(1, Number(process.env.BENCH_LEAVES ?? 5));
const SIZES = (process.env.BENCH_SIZES ?? '3,8').split(',').map(Number);
const SIM_SIZE = Math.max(2, Number(process.env.BENCH_SIM_SIZE ?? 50));
const ONLY = process.env.BENCH_ONLY;
const TARGET_MS = 1_000;

const log = (line: string) => console.error(`[bench] ${line}`);

function byStep<T extends object>(rotations: T[]): Record<keyof T, Summary> {
  const keys = Object.keys(rotations[0] ?? {}).filter((k) => k !== 'epoch') as (keyof T)[];
  return Object.fromEntries(keys.map((k) => [k, summarise(rotations.map((r) => Number(r[k])))])) as Record<
    keyof T,
    Summary
  >;
}

async function simulated(): Promise<{ size: number; setupMs: number; rotations: SimRotation[] }> {
  const group = await SimulatedGroup.create();
  try {
    const t0 = performance.now();
    await group.join(SIM_SIZE);
    const setupMs = Math.round(performance.now() - t0);
    log(`${SIM_SIZE} simulated members in one group after ${setupMs} ms`);
    const rotations: SimRotation[] = [];
    for (let i = 0; i < LEAVES; i++) {
      const r = await group.leave();
      rotations.push(r);
      log(
        `${SIM_SIZE} simulated, leave ${i + 1}: all sending epoch ${r.epoch} after ${Math.round(r.allSendingMs)} ms`,
      );
      await group.join(1);
    }
    return { size: SIM_SIZE, setupMs, rotations };
  } finally {
    group.close();
  }
}

async function inBrowsers(
  errors: string[],
): Promise<{ results: Record<string, BrowserRotation[]>; chromium: string }> {
  const server = await TestServer.start({ env: { CONCLAVE_LOG_LEVEL: 'warn' } });
  const browser = await TestBrowser.launch();
  const results: Record<string, BrowserRotation[]> = {};
  try {
    await completeSetup(server);
    for (const size of SIZES) {
      results[size] = [];
      await measureBrowserRotations(browser, server, size, LEAVES, log, results[size]).catch(
        (err: unknown) => {
          errors.push(`${size} browsers: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
          log(`${size} browsers failed: ${errors[errors.length - 1]}`);
        },
      );
    }
    return { results, chromium: browser.browser.version() };
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function main(): Promise<number> {
  const errors: string[] = [];
  let browsers: Awaited<ReturnType<typeof inBrowsers>> | null = null;
  if (ONLY !== 'node') {
    const skip = mediaSkipReason();
    if (skip) errors.push(`browsers: ${skip}`);
    else
      browsers = await inBrowsers(errors).catch((err: unknown) => {
        errors.push(`browsers: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        return null;
      });
  }
  const sim = ONLY === 'browsers' ? null : await simulated();
  const browserFigures = Object.fromEntries(
    Object.entries(browsers?.results ?? {}).flatMap(([size, rotations]) =>
      rotations.length ? [[size, { leaves: rotations.length, ...byStep(rotations) }] as const] : [],
    ),
  );
  const simFigures = sim && {
    size: sim.size,
    setupMs: sim.setupMs,
    leaves: sim.rotations.length,
    ...byStep(sim.rotations),
  };
  const result = {
    benchmark: 'e2ee-rotation',
    description:
      'a member leaves: time until every remaining member sends under the new epoch (ms, from the leave)',
    date: new Date().toISOString(),
    browsers: browserFigures,
    simulated: simFigures,
    targetMs: TARGET_MS,
    errors,
    machine: machine(browsers?.chromium),
  };
  const fmt = (s: { allSendingMs: Summary } | null | undefined) =>
    s ? `median ${Math.round(s.allSendingMs.median)} ms max ${Math.round(s.allSendingMs.max)} ms` : 'not run';
  const parts = [
    ...SIZES.map((n) => `${n} browsers ${fmt(browserFigures[n])}`),
    `${SIM_SIZE} simulated in one thread ${fmt(simFigures)}` +
      (simFigures
        ? ` (on their own devices, estimated: median ${Math.round(simFigures.onOwnDevicesMs.median)} ms)`
        : ''),
  ];
  await report(
    'e2ee-rotation',
    result,
    `rotation: ${parts.join(', ')} (target < ${TARGET_MS} ms)${errors.length ? `; FAILED: ${errors.join('; ')}` : ''}`,
  );
  return errors.length ? 1 : 0;
}

process.exitCode = await main();
