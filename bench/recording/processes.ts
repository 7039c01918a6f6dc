// CPU time of the processes a recorded meeting runs, by process tree, from /proc/<pid>/stat (utime +
// stime of all threads), as the capture spike measured it (docs/notes/recording-capture-spike.md):
// - below the server: the server itself, its Janus, the recorder (the headless Chromium it launches,
//   found by the `--user-data-dir=…conclave-recorder-…` of its browser process, and all that process's
//   descendants) and ffmpeg;
// - everything else below this benchmark's process: the publishers' Chromium.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const PAGE_BYTES = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;

type Tree = 'recorder' | 'ffmpeg' | 'janus' | 'server' | 'serverOther' | 'publishers';
const TREES: readonly Tree[] = ['recorder', 'ffmpeg', 'janus', 'server', 'serverOther', 'publishers'];

interface Proc {
  comm: string;
  ppid: number;
  ticks: number;
  rssBytes: number;
}

interface Entry {
  tree: Tree;
  /** The recorder's processes by Chromium's `--type=` (`browser` for the one without). */
  kind: string;
  ticks: number;
  rssBytes: number;
}

export interface CpuSample {
  at: number;
  processes: Map<number, Entry>;
  machine: { busy: number; total: number };
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces, so fields are counted from the last ')'.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      comm,
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
      rssBytes: Number(fields[21]) * PAGE_BYTES,
    };
  } catch {
    return null; // it ended while we looked
  }
}

function cmdline(pid: number): string[] {
  try {
    // Chromium's child processes rewrite their title: the arguments then come as one string, spaced.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
  } catch {
    return [];
  }
}

function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

/** Every process below this one, by tree (`serverPid`: the Conclave server's own process). */
export function sampleCpu(serverPid: number): CpuSample {
  const all = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = readProc(Number(entry));
    if (p) all.set(Number(entry), p);
  }
  const recorderRoots = new Set<number>();
  const processes = new Map<number, Entry>();
  for (const [pid, p] of all) {
    // The chain of ancestors up to this process (or none: not ours).
    const chain = [pid];
    let up = p.ppid;
    while (up > 1 && up !== process.pid) {
      chain.push(up);
      up = all.get(up)?.ppid ?? 0;
    }
    if (up !== process.pid) continue;
    const belowServer = chain.indexOf(serverPid);
    let tree: Tree;
    let kind = '';
    if (belowServer < 0) tree = 'publishers';
    else if (pid === serverPid) tree = 'server';
    else {
      const args = cmdline(pid);
      const inRecorder = chain.slice(0, belowServer).some((a) => {
        if (recorderRoots.has(a)) return true;
        if (
          !cmdline(a).some((arg) => arg.startsWith('--user-data-dir=') && arg.includes('conclave-recorder-'))
        )
          return false;
        recorderRoots.add(a);
        return true;
      });
      if (inRecorder) {
        tree = 'recorder';
        kind = args.find((a) => a.startsWith('--type='))?.slice('--type='.length) ?? 'browser';
      } else if (p.comm.startsWith('ffmpeg')) tree = 'ffmpeg';
      else if (p.comm.startsWith('janus')) tree = 'janus';
      else tree = 'serverOther';
    }
    processes.set(pid, { tree, kind, ticks: p.ticks, rssBytes: p.rssBytes });
  }
  return { at: performance.now(), processes, machine: machineTicks() };
}

export interface CpuWindow {
  seconds: number;
  /** % of one core per tree (the machine has 100 × cores). */
  percent: Record<Tree, number>;
  /** The recorder's processes by kind (browser, renderer, gpu-process, utility, zygote…), % of a core. */
  recorderByKind: Record<string, number>;
  /** The recorder's resident memory at the end of the window, MB (shared pages counted per process). */
  recorderRssMb: number;
  processes: Record<Tree, number>;
  /** How busy all the machine's cores were, in % of all of them. */
  machineBusyPercent: number;
  /** CPU of processes not below this benchmark (other work on the machine), % of one core. */
  notOursPercent: number;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * CPU used between two samples, in % of one core: processes that started in between count from zero;
 * those that ended in between are lost (none of a steady meeting's).
 */
export function cpuBetween(a: CpuSample, b: CpuSample): CpuWindow {
  const seconds = (b.at - a.at) / 1000;
  const percent = Object.fromEntries(TREES.map((t) => [t, 0])) as Record<Tree, number>;
  const processes = Object.fromEntries(TREES.map((t) => [t, 0])) as Record<Tree, number>;
  const recorderByKind: Record<string, number> = {};
  let rss = 0;
  for (const [pid, e] of b.processes) {
    const start = a.processes.get(pid)?.ticks ?? 0;
    const p = ((e.ticks - start) / TICKS_PER_SECOND / seconds) * 100;
    percent[e.tree] += p;
    processes[e.tree]++;
    if (e.tree === 'recorder') {
      recorderByKind[e.kind] = (recorderByKind[e.kind] ?? 0) + p;
      rss += e.rssBytes;
    }
  }
  const total = b.machine.total - a.machine.total;
  const busyCores = ((b.machine.busy - a.machine.busy) / TICKS_PER_SECOND / seconds) * 100;
  const ours = TREES.reduce((sum, t) => sum + percent[t], 0);
  return {
    seconds: r1(seconds),
    percent: Object.fromEntries(TREES.map((t) => [t, r1(percent[t])])) as Record<Tree, number>,
    recorderByKind: Object.fromEntries(Object.entries(recorderByKind).map(([k, v]) => [k, r1(v)])),
    recorderRssMb: Math.round(rss / 2 ** 20),
    processes,
    machineBusyPercent: total > 0 ? r1(((b.machine.busy - a.machine.busy) / total) * 100) : 0,
    // This process itself (the benchmark's driver) is the rest; it idles while the window runs.
    notOursPercent: r1(Math.max(0, busyCores - ours)),
  };
}
