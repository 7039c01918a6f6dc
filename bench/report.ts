// What every benchmark reports alike: figures summarised the same way, the machine they ran
// on, and the JSON written to bench/results/ and printed on stdout.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results');

export interface Summary {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
  samples: number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Median, nearest-rank 90th percentile and range; `digits` after the decimal point. */
export function summarise(samples: readonly number[], digits = 0): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const p90 = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(0.9 * sorted.length) - 1))]!;
  return {
    n: sorted.length,
    median: round(median(sorted), digits),
    p90: round(p90, digits),
    min: round(sorted[0]!, digits),
    max: round(sorted[sorted.length - 1]!, digits),
    samples: samples.map((s) => round(s, digits)),
  };
}

export function machine(chromium?: string): Record<string, string | number> {
  const janus = spawnSync('/usr/bin/janus', ['--version'], { encoding: 'utf8' });
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30, 1),
    loadAverage1m: round(loadavg()[0]!, 2),
    kernel: release(),
    node: process.version,
    ...(chromium !== undefined && {
      chromium,
      janus: janus.stdout?.match(/Janus version: \d+ \(([^)]+)\)/)?.[1] ?? 'unknown',
    }),
  };
}

/** Writes bench/results/<name>.json, prints the JSON on stdout and the summary line on stderr. */
export async function report(name: string, result: object, line: string): Promise<void> {
  const file = join(RESULTS, `${name}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
  console.error(line);
}
