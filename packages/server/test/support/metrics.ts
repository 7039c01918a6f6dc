import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One reading of /metrics, parsed from the Prometheus text format. */
export class Scrape {
  constructor(
    readonly text: string,
    readonly samples: Sample[],
  ) {}

  /** The sum of the samples of `name` whose labels include `labels` (0 when there are none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  }

  /** Every value label `label` takes on samples whose name starts with `prefix`. */
  labelValues(prefix: string, label: string): Set<string> {
    const values = new Set<string>();
    for (const s of this.samples) {
      const value = s.labels[label];
      if (s.name.startsWith(prefix) && value !== undefined) values.add(value);
    }
    return values;
  }
}

/** GET /metrics as a client on loopback (allowed by default); fails unless it is served. */
export async function scrape(app: FastifyInstance): Promise<Scrape> {
  const res = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  return new Scrape(res.body, parseExposition(res.body));
}

/** GET `<baseUrl>/metrics` over HTTP from this machine (loopback may read it by default). */
export async function scrapeUrl(baseUrl: string): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return new Scrape(text, parseExposition(text));
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Sample lines of the text exposition format; comments (# HELP, # TYPE) are skipped. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(LABEL)) labels[key!] = value!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}
