// SFrame throughput benchmark: 1080p-sized VP8 frames (200 KB key frames among 20 KB delta frames)
// encrypted and decrypted through the E2EE frame layer (packages/e2ee, media key rings) against bare
// WebCrypto AES-GCM on the same buffers, in a worker, as in a call: in a Chromium worker (where the
// media worker runs, and the figure the target is for) and in a Node worker thread.
//
// Environment: BENCH_ROUNDS (measured rounds per path, default 15), BENCH_FRAMES (frames per round,
// default 600).
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { machine, report, round } from '../report';
import { measureInChromium } from './sframe-chromium';
import type { WorkerResult, Workload } from './sframe-rounds';

const TARGET_RATIO = 0.8;
const workload: Workload = {
  rounds: Math.max(1, Number(process.env.BENCH_ROUNDS ?? 15)),
  framesPerRound: Math.max(1, Number(process.env.BENCH_FRAMES ?? 600)),
  keyFrameBytes: 200_000,
  deltaFrameBytes: 20_000,
  keyFrameEvery: 10,
};

async function measureInNode(): Promise<WorkerResult> {
  // The worker is TypeScript importing the package's source: tsx loads it.
  const worker = new Worker(join(import.meta.dirname, 'worker.ts'), {
    workerData: workload,
    execArgv: ['--import', 'tsx'],
  });
  try {
    return await new Promise<WorkerResult>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the benchmark worker exited with code ${code}`)));
    });
  } finally {
    await worker.terminate();
  }
}

const withRatio = (m: WorkerResult) => ({
  ...m,
  ratioOfMedians: round(m.conclave.medianMBps / m.raw.medianMBps, 2),
});

const { chromium: version, ...inChromium } = await measureInChromium(workload);
const chromium = withRatio(inChromium);
const node = withRatio(await measureInNode());
const failures = chromium.failures + node.failures;
const line = (where: string, m: typeof chromium) =>
  `${where}: frame layer ${m.conclave.medianMBps} MB/s, raw AES-GCM ${m.raw.medianMBps} MB/s, ` +
  `ratio ${m.ratioOfMedians} (per round ${m.medianRoundRatio})`;
await report(
  'sframe-throughput',
  {
    benchmark: 'sframe-throughput',
    description:
      'VP8 frames encrypted then decrypted in a worker: the E2EE frame layer vs bare WebCrypto AES-GCM; the target is for Chromium',
    date: new Date().toISOString(),
    workload,
    chromium,
    node,
    ratioOfMedians: chromium.ratioOfMedians,
    targetRatio: TARGET_RATIO,
    failures,
    machine: machine(version),
  },
  `sframe: ${line('Chromium', chromium)}; ${line('Node', node)}; target ≥ ${TARGET_RATIO} in Chromium` +
    (failures ? `; ${failures} frames FAILED to decrypt` : ''),
);
process.exitCode = failures ? 1 : 0;
