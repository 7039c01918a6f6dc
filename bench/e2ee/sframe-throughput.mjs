#!/usr/bin/env node
// SFrame throughput benchmark: 1080p-sized VP8 frames (200 KB key frames among 20 KB delta frames)
// encrypted and decrypted through the E2EE frame layer (packages/e2ee, media key rings) against bare
// WebCrypto AES-GCM on the same buffers, both in one worker thread (./worker.ts), as in the browser.
//
// Environment: BENCH_ROUNDS (measured rounds per path, default 15), BENCH_FRAMES (frames per round,
// default 600).
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { useSupportedNode } from '../../scripts/lib/runtime.mjs';

await useSupportedNode();

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, '../results/sframe-throughput.json');
const TARGET_RATIO = 0.8;
const workload = {
  rounds: Math.max(1, Number(process.env.BENCH_ROUNDS ?? 15)),
  framesPerRound: Math.max(1, Number(process.env.BENCH_FRAMES ?? 600)),
  keyFrameBytes: 200_000,
  deltaFrameBytes: 20_000,
  keyFrameEvery: 10,
};

// The worker is TypeScript importing the package's source: tsx loads it.
const worker = new Worker(join(here, 'worker.ts'), { workerData: workload, execArgv: ['--import', 'tsx'] });
const measured = await new Promise((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
  worker.once('exit', (code) => reject(new Error(`the benchmark worker exited with code ${code}`)));
});
await worker.terminate();

const ratio = Math.round((measured.conclave.medianMBps / measured.raw.medianMBps) * 100) / 100;
const result = {
  benchmark: 'sframe-throughput',
  description:
    'VP8 frames encrypted then decrypted in a worker thread: the E2EE frame layer vs bare WebCrypto AES-GCM',
  date: new Date().toISOString(),
  workload,
  conclave: measured.conclave,
  raw: measured.raw,
  failures: measured.failures,
  ratioOfMedians: ratio,
  medianRoundRatio: measured.medianRoundRatio,
  targetRatio: TARGET_RATIO,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    kernel: release(),
    node: process.version,
  },
};
await mkdir(dirname(RESULTS), { recursive: true });
await writeFile(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
console.error(
  `sframe: frame layer ${measured.conclave.medianMBps} MB/s (${measured.conclave.framesPerSecond} frames/s), ` +
    `raw AES-GCM ${measured.raw.medianMBps} MB/s, ratio ${ratio} (per round ${measured.medianRoundRatio}, ` +
    `target ≥ ${TARGET_RATIO})` +
    (measured.failures ? `, ${measured.failures} frames FAILED to decrypt` : ''),
);
process.exitCode = measured.failures ? 1 : 0;
