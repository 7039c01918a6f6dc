// CPU time of this process's descendants, read from /proc/<pid>/stat (utime + stime, all threads),
// grouped by what they are: Chromium's processes, Janus, the Conclave server (Node).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

type ProcessGroup = 'chromium' | 'janus' | 'server';

interface Sample {
  /** pid → [group, CPU ticks so far] */
  ticks: Map<number, [ProcessGroup, number]>;
  /** Chromium's threads: "pid/tid" → [thread name, CPU ticks so far], to see where its time goes. */
  threads: Map<string, [string, number]>;
  at: number;
}

function readStat(path: string): { comm: string; ppid: number; ticks: number } | null {
  try {
    const stat = readFileSync(`${path}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces, so fields are counted from the last ')'.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null; // it ended while we looked
  }
}

function groupOf(comm: string): ProcessGroup | null {
  if (comm.startsWith('janus')) return 'janus';
  if (/chrom/i.test(comm)) return 'chromium';
  // Node 24 names its main thread, which is what comm shows.
  if (comm === 'node' || comm === 'MainThread') return 'server';
  return null;
}

/** The CPU ticks of every process below this one, by group. */
export function sampleCpu(): Sample {
  const all = new Map<number, { comm: string; ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(`/proc/${entry}`);
    if (s) all.set(Number(entry), s);
  }
  const ticks = new Map<number, [ProcessGroup, number]>();
  const threads = new Map<string, [string, number]>();
  for (const [pid, s] of all) {
    let up = s.ppid;
    while (up > 1 && up !== process.pid) up = all.get(up)?.ppid ?? 0;
    const group = groupOf(s.comm);
    if (up !== process.pid || !group) continue;
    ticks.set(pid, [group, s.ticks]);
    if (group !== 'chromium') continue;
    for (const tid of safeReaddir(`/proc/${pid}/task`)) {
      const t = readStat(`/proc/${pid}/task/${tid}`);
      if (t) threads.set(`${pid}/${tid}`, [t.comm, t.ticks]);
    }
  }
  return { ticks, threads, at: performance.now() };
}

/**
 * CPU used between two samples, in % of one core, by group, over the processes alive at both
 * (a call's processes all live across the window).
 */
export function cpuBetween(
  a: Sample,
  b: Sample,
): Record<ProcessGroup, number> & { seconds: number; chromiumThreads: Record<string, number> } {
  const seconds = (b.at - a.at) / 1000;
  const percent = (ticks: number) => (ticks / TICKS_PER_SECOND / seconds) * 100;
  const out = { chromium: 0, janus: 0, server: 0 };
  for (const [pid, [group, end]] of b.ticks) {
    const start = a.ticks.get(pid)?.[1];
    if (start !== undefined) out[group] += percent(end - start);
  }
  const chromiumThreads: Record<string, number> = {};
  for (const [id, [name, end]] of b.threads) {
    const start = a.threads.get(id)?.[1];
    if (start !== undefined) chromiumThreads[name] = (chromiumThreads[name] ?? 0) + percent(end - start);
  }
  return { ...out, seconds, chromiumThreads };
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
