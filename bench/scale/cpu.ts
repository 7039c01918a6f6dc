// CPU time of given processes, from /proc/<pid>/stat: utime + stime, which for a process (its
// thread group leader) covers all its threads. Children are not included (cutime/cstime count only
// children already waited for), so a node's figure is the Node process alone, without its Janus.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface Stat {
  comm: string;
  ppid: number;
  ticks: number;
}

function readStat(pid: number): Stat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces, so fields are counted from the last ')'.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null; // it ended
  }
}

/** CPU seconds a process has used so far (NaN once it is gone). */
export function cpuSeconds(pid: number): number {
  const s = readStat(pid);
  return s ? s.ticks / TICKS_PER_SECOND : NaN;
}

/**
 * CPU seconds so far of this process's descendants whose name starts with one of `names`, summed per
 * name, keyed by pid so that a later reading can count only what was used in between.
 */
export function descendantTicks(names: readonly string[]): Map<number, [string, number]> {
  const all = new Map<number, Stat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s) all.set(Number(entry), s);
  }
  const out = new Map<number, [string, number]>();
  for (const [pid, s] of all) {
    const name = names.find((n) => s.comm.startsWith(n));
    if (!name) continue;
    let up = s.ppid;
    while (up > 1 && up !== process.pid) up = all.get(up)?.ppid ?? 0;
    if (up === process.pid) out.set(pid, [name, s.ticks]);
  }
  return out;
}

/**
 * Seconds used per name between two `descendantTicks` readings: processes that started in between
 * count from zero, those that ended in between are lost (short-lived PostgreSQL backends, at most).
 */
export function descendantSecondsBetween(
  a: Map<number, [string, number]>,
  b: Map<number, [string, number]>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, [name, end]] of b) {
    out[name] = (out[name] ?? 0) + (end - (a.get(pid)?.[1] ?? 0)) / TICKS_PER_SECOND;
  }
  return out;
}

/** The whole machine's CPU ticks so far (/proc/stat): all of them, and those not idle. */
export function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait are the ticks nothing ran.
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

/** The share of all cores that was busy between two readings, in %. */
export function busyPercent(
  from: { busy: number; total: number },
  to: { busy: number; total: number },
): number {
  const total = to.total - from.total;
  return total > 0 ? Math.round(((to.busy - from.busy) / total) * 1000) / 10 : 0;
}
