// Signaling scale benchmark (NET-SCALE, issue 8): meetings × participants spread over three
// control-plane nodes (one PostgreSQL, one Redis, two Janus: test/e2e/support/cluster.ts) join,
// publish, mute and leave through the real signaling protocol, with no media. What is measured is the
// time for a roster change (participantJoined, participantUpdated, participantLeft) to reach every
// other client of the meeting, and each node's CPU per 100 participants, at increasing sizes; the same
// load on one node without Redis (embedded Janus, SQLite) runs in the same process, step by step
// alternating with the cluster, as the baseline. Goal: p99 < 100 ms at 500 participants on 3 nodes,
// and the nodes' CPU growing linearly with participants.
//
// Environment: BENCH_PARTICIPANTS (steps, default 150,300,500), BENCH_MEETING_SIZE (default 10),
// BENCH_RAMP_S (seconds the joins, the publishes and the leaves are each spread over, default 6),
// BENCH_MUTE_EVERY_S (each participant toggles its microphone this often, default 5), BENCH_MUTES
// (toggles per participant, default 2), BENCH_IDLE_S (idle seconds measured before each step, default
// 3), BENCH_WARMUP (participants of an unmeasured first step, twice as fast, default 100; 0: none),
// BENCH_ONLY (cluster | single).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MeetingView, SessionView } from '@conclave/protocol';
import { ADMIN } from '../../test/e2e/support/app';
import { TestCluster } from '../../test/e2e/support/cluster';
import { mediaSkipReason } from '../../test/e2e/support/sandbox';
import { TestServer } from '../../test/e2e/support/server';
import { machine, report, round } from '../report';
import { cpuSeconds, descendantSecondsBetween, descendantTicks } from './cpu';
import { LogWatch } from './log-watch';
import { Client, Meeting, paced, Recorder, type ChangeKind } from './load';

const numberList = (text: string) =>
  text
    .split(',')
    .map((s) => Math.round(Number(s.trim())))
    .filter((n) => n > 0);
const STEPS = numberList(process.env.BENCH_PARTICIPANTS ?? '150,300,500');
const MEETING_SIZE = Math.max(2, Number(process.env.BENCH_MEETING_SIZE ?? 10));
const RAMP_S = Math.max(1, Number(process.env.BENCH_RAMP_S ?? 6));
const MUTE_EVERY_S = Math.max(0.5, Number(process.env.BENCH_MUTE_EVERY_S ?? 5));
const MUTES = Math.max(1, Math.round(Number(process.env.BENCH_MUTES ?? 2)));
const ONLY = process.env.BENCH_ONLY;
/** Seconds of nothing before each step, to know what the nodes use idle. */
const IDLE_S = Math.max(1, Number(process.env.BENCH_IDLE_S ?? 3));
/**
 * An unmeasured step first, at twice the pace: the nodes' first load otherwise pays for V8 compiling
 * their hot paths, which made the first measured step look dearer per participant than the rest.
 */
const WARMUP = Math.max(0, Math.round(Number(process.env.BENCH_WARMUP ?? 100)));
const GOAL = { p99Ms: 100, participants: 500, nodes: 3 };
/** Per-100-participant CPU at the largest step over the smallest at most this: linear enough. */
const LINEAR_MAX_RATIO = 1.25;
/** The roster changes the goal is about; publishes (which wait for Janus) are reported apart. */
const ROSTER: readonly ChangeKind[] = ['join', 'mute', 'leave'];
const PHASES = ['join', 'publish', 'mute', 'leave'] as const;
type Phase = (typeof PHASES)[number];

interface Target {
  name: 'cluster' | 'single';
  /** The service's public URL: every socket's Origin. */
  publicUrl: string;
  nodes: Array<{ url: string; pid: number }>;
  janusPids: () => number[];
  /** Each node's last log lines. */
  logs: Array<() => string[]>;
  /** Shared components counted among this process's descendants by name (the cluster's Redis and PostgreSQL). */
  shared: readonly string[];
  session: { cookie: string; csrf: string };
}

/** First-run setup through the API, keeping the Administrator's session cookie to create meetings. */
async function administrator(url: string, setupLink: string): Promise<Target['session']> {
  const setupToken = new URL(setupLink).hash.replace(/^#token=/, '');
  const res = await fetch(`${url}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...ADMIN, setupToken }),
  });
  if (res.status !== 201) throw new Error(`POST /api/setup: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('conclave_session='));
  if (!cookie) throw new Error('POST /api/setup set no session cookie');
  return { cookie, csrf: ((await res.json()) as SessionView).csrfToken };
}

async function createMeeting(target: Target, name: string): Promise<string> {
  const res = await fetch(`${target.nodes[0]!.url}/api/meetings`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: target.session.cookie,
      'x-conclave-csrf': target.session.csrf,
    },
    body: JSON.stringify({ name }),
  });
  if (!res.ok) throw new Error(`POST /api/meetings: ${res.status} ${await res.text()}`);
  return ((await res.json()) as MeetingView).id;
}

/** Each simulated client's own X-Forwarded-For address, never reused in a run (10.0.1.1, 10.0.1.2, …). */
let lastAddress = 256;
function nextAddress(): string {
  const k = ++lastAddress;
  return `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
}

interface CpuReading {
  at: number;
  nodes: number[];
  janus: Map<number, number>;
  shared: Map<number, [string, number]>;
  generator: NodeJS.CpuUsage;
}

function readCpu(target: Target): CpuReading {
  return {
    at: performance.now(),
    nodes: target.nodes.map((n) => cpuSeconds(n.pid)),
    janus: new Map(target.janusPids().map((pid) => [pid, cpuSeconds(pid)])),
    shared: descendantTicks(target.shared),
    generator: process.cpuUsage(),
  };
}

interface PhaseCpu {
  wallS: number;
  /** CPU seconds of each node process. */
  nodes: number[];
  janus: number;
  /** The cluster's Redis and PostgreSQL (none for the single node). */
  shared: Record<string, number>;
  /** This load generator, in % of one core over the phase. */
  generatorPercent: number;
}

function cpuBetween(a: CpuReading, b: CpuReading): PhaseCpu {
  const wallS = (b.at - a.at) / 1000;
  let janus = 0;
  for (const [pid, end] of b.janus) janus += end - (a.janus.get(pid) ?? end);
  const generator = process.cpuUsage(a.generator);
  return {
    wallS: round(wallS, 2),
    nodes: b.nodes.map((end, i) => round(end - a.nodes[i]!, 2)),
    janus: round(janus, 2),
    shared: Object.fromEntries(
      Object.entries(descendantSecondsBetween(a.shared, b.shared)).map(([k, v]) => [k, round(v, 2)]),
    ),
    generatorPercent: round(((generator.user + generator.system) / 1e6 / wallS) * 100, 1),
  };
}

interface Latency {
  n: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank percentiles, in ms with one decimal. */
function latency(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!, 1) : null;
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

async function runStep(target: Target, participants: number, speed = 1) {
  const idleFrom = readCpu(target);
  await new Promise((r) => setTimeout(r, (IDLE_S * 1000) / speed));
  const idle = cpuBetween(idleFrom, readCpu(target));
  const recorder = new Recorder();
  const count = Math.max(1, Math.round(participants / MEETING_SIZE));
  const meetings: Meeting[] = [];
  for (let i = 0; i < count; i++) {
    meetings.push(new Meeting(await createMeeting(target, `Scale ${participants} #${i + 1}`), recorder));
  }
  // Sizes differ by one at most; participant r of meeting i goes to node (i + r) mod nodes, so each
  // meeting has people on every node and its first joiner (who makes that node its owner) rotates.
  for (let k = 0; k < participants; k++) {
    const i = k % count;
    const m = meetings[i]!;
    const r = m.clients.length;
    const node = (i + r) % target.nodes.length;
    const url = target.nodes[node]!.url;
    m.clients.push(
      new Client(`m${i + 1}-p${r + 1}`, m, node, url, target.publicUrl, nextAddress(), recorder),
    );
  }
  // Interleaved across meetings: consecutive actions go to different meetings.
  const order: Client[] = [];
  for (let r = 0; r < Math.max(...meetings.map((m) => m.clients.length)); r++) {
    for (const m of meetings) if (m.clients[r]) order.push(m.clients[r]!);
  }
  const joined = (c: Client) => c.id !== null;
  const rates = {
    joinsPerS: round((participants / RAMP_S) * speed, 1),
    publishesPerS: round((participants / RAMP_S) * speed, 1),
    mutesPerS: round((participants / MUTE_EVERY_S) * speed, 1),
    leavesPerS: round((participants / RAMP_S) * speed, 1),
  };
  const actions: Record<Phase, () => Promise<void>> = {
    join: () =>
      paced(order, rates.joinsPerS, (c) =>
        c.meeting.enqueue(async () => {
          await c.open();
          await c.join();
        }),
      ),
    publish: () =>
      paced(order, rates.publishesPerS, (c) =>
        c.meeting.enqueue(async () => {
          if (joined(c)) await c.publish();
        }),
      ),
    mute: () =>
      paced(Array.from({ length: MUTES }, () => order).flat(), rates.mutesPerS, (c) =>
        c.meeting.enqueue(async () => {
          if (joined(c)) await c.toggleMute();
        }),
      ),
    leave: () =>
      paced(order, rates.leavesPerS, (c) =>
        c.meeting.enqueue(async () => {
          if (joined(c)) await c.leave();
        }),
      ),
  };
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const logs = new LogWatch(target.logs);
  const cpu = {} as Record<Phase, PhaseCpu>;
  try {
    for (const phase of PHASES) {
      const before = readCpu(target);
      await actions[phase]();
      await Promise.all(meetings.map((m) => m.idle()));
      cpu[phase] = cpuBetween(before, readCpu(target));
    }
  } finally {
    loop.disable();
    for (const c of order) c.close();
  }
  // Let the nodes close rooms and Janus handles before the next step is measured.
  await new Promise((r) => setTimeout(r, 1_500));
  logs.stop();

  const hundreds = participants / 100;
  const measured = target.nodes.map((_, i) => ROSTER.reduce((s, phase) => s + cpu[phase].nodes[i]!, 0));
  const measuredWallS = ROSTER.reduce((s, phase) => s + cpu[phase].wallS, 0);
  const idleShare = idle.nodes.map((s) => s / idle.wallS);
  const per100 = measured.map((s) => s / hundreds);
  // What the load cost above what the node uses doing nothing for as long.
  const netPer100 = measured.map((s, i) => (s - idleShare[i]! * measuredWallS) / hundreds);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const byKind = Object.fromEntries(
    PHASES.map((k) => [
      k,
      {
        toEveryone: latency(recorder.toAll[k]),
        senderReply: latency(recorder.reply[k]),
        timeouts: recorder.timeouts[k],
      },
    ]),
  );
  const timeouts = ROSTER.reduce((s, k) => s + recorder.timeouts[k], 0);
  return {
    participants,
    meetings: count,
    rosterChange: { ...latency(ROSTER.flatMap((k) => recorder.toAll[k])), timeouts },
    byKind,
    errors: recorder.errors,
    firstErrors: recorder.firstErrors,
    slowest: recorder.slowest,
    serverWarnings: { counts: logs.counts, examples: logs.examples },
    rates,
    cpu: {
      /** CPU seconds of each node over the join, mute and leave phases. */
      nodesSeconds: measured.map((s) => round(s, 2)),
      measuredWallS: round(measuredWallS, 1),
      /** Each node doing nothing, just before the step, in % of one core. */
      idlePercent: idleShare.map((s) => round(s * 100, 2)),
      perNodePer100: per100.map((s) => round(s, 3)),
      meanPerNodePer100: round(sum(per100) / per100.length, 3),
      allNodesPer100: round(sum(per100), 3),
      /** The same, less what each node uses idle over as long. */
      meanPerNodeNetPer100: round(sum(netPer100) / netPer100.length, 3),
      allNodesNetPer100: round(sum(netPer100), 3),
      janusSeconds: round(
        ROSTER.reduce((s, phase) => s + cpu[phase].janus, 0),
        2,
      ),
      phases: cpu,
    },
    generator: {
      eventLoopDelayP99Ms: round(loop.percentile(99) / 1e6, 1),
      maxPercentOfCore: Math.max(...PHASES.map((p) => cpu[p].generatorPercent)),
    },
  };
}
type StepResult = Awaited<ReturnType<typeof runStep>>;

async function startCluster(): Promise<{ target: Target; stop: () => Promise<void> }> {
  const cluster = await TestCluster.start({ nodes: 3 });
  try {
    const session = await administrator(cluster.nodes[0]!.url, await cluster.setupLink());
    return {
      target: {
        name: 'cluster',
        publicUrl: cluster.url,
        nodes: cluster.nodes.map((n) => ({ url: n.url, pid: n.pid })),
        janusPids: () => cluster.janus.map((j) => j.pid),
        logs: cluster.nodes.map((n) => () => n.logLines()),
        shared: ['redis-server', 'postgres'],
        session,
      },
      stop: () => cluster.stop(),
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

async function startSingle(): Promise<{ target: Target; stop: () => Promise<void> }> {
  const server = await TestServer.start({ env: { CONCLAVE_TRUST_PROXY: '127.0.0.1' } });
  try {
    const session = await administrator(server.url, await server.setupLink());
    return {
      target: {
        name: 'single',
        publicUrl: server.url,
        nodes: [{ url: server.url, pid: server.pid }],
        janusPids: () => server.janusPids(),
        logs: [() => server.logLines()],
        shared: [],
        session,
      },
      stop: () => server.stop(),
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/**
 * Per-100-participant CPU per node at the largest step over that at the smallest (1: linear), as
 * measured and less the idle share.
 */
function linearity(steps: readonly StepResult[]): { measured: number; net: number } | null {
  if (steps.length < 2) return null;
  const sorted = [...steps].sort((a, b) => a.participants - b.participants);
  const [small, large] = [sorted[0]!.cpu, sorted.at(-1)!.cpu];
  return {
    measured: round(large.meanPerNodePer100 / small.meanPerNodePer100, 2),
    net: round(large.meanPerNodeNetPer100 / small.meanPerNodeNetPer100, 2),
  };
}

/**
 * A straight line through (participants, mean CPU seconds per node over the measured phases), least
 * squares: what 100 more participants cost, what is left at none (the nodes' cost of being busy at
 * all: idle, cluster bookkeeping), and how far the furthest step lies from the line.
 */
function cpuFit(steps: readonly StepResult[]) {
  if (steps.length < 2) return null;
  const xs = steps.map((s) => s.participants / 100);
  const ys = steps.map((s) => s.cpu.nodesSeconds.reduce((a, b) => a + b, 0) / s.cpu.nodesSeconds.length);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope =
    xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const fixed = my - slope * mx;
  return {
    perNodePer100S: round(slope, 3),
    perNodeFixedS: round(fixed, 3),
    maxResidualPercent: round(
      Math.max(...xs.map((x, i) => Math.abs(ys[i]! - (fixed + slope * x)) / ys[i]!)) * 100,
      1,
    ),
  };
}

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a == null || b == null || b === 0 ? null : round(a / b, 2);

async function main(): Promise<number> {
  const skip = mediaSkipReason();
  if (skip) {
    console.error(`[bench] ${skip}`);
    return 1;
  }
  const started = performance.now();
  const runs: Array<{ target: Target; stop: () => Promise<void> }> = [];
  const results: Record<Target['name'], StepResult[]> = { cluster: [], single: [] };
  let error: string | null = null;
  try {
    if (ONLY !== 'single') runs.push(await startCluster());
    if (ONLY !== 'cluster') runs.push(await startSingle());
    console.error(`[bench] started in ${Math.round((performance.now() - started) / 1000)} s`);
    if (WARMUP > 0) {
      for (const { target } of runs) {
        const w = await runStep(target, WARMUP, 2);
        console.error(
          `[bench] ${target.name} warm-up, ${WARMUP} participants (not counted): p99 ${w.rosterChange.p99} ms`,
        );
      }
    }
    for (const participants of STEPS) {
      for (const { target } of runs) {
        const step = await runStep(target, participants);
        results[target.name].push(step);
        const r = step.rosterChange;
        console.error(
          `[bench] ${target.name} ${participants}: roster change to everyone p50 ${r.p50} ms p99 ${r.p99} ms` +
            ` (n ${r.n}, timeouts ${r.timeouts}), CPU per node per 100 participants ${step.cpu.meanPerNodePer100} s` +
            `${Object.keys(step.errors).length ? `, errors ${JSON.stringify(step.errors)}` : ''}` +
            `${Object.keys(step.serverWarnings.counts).length ? `, server log ${JSON.stringify(step.serverWarnings.counts)}` : ''}`,
        );
      }
    }
  } catch (err) {
    error = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    console.error(`[bench] failed: ${error}`);
  } finally {
    for (const run of runs) await run.stop().catch(() => undefined);
  }

  const cluster = results.cluster;
  const single = results.single;
  const largest = cluster.find((s) => s.participants === Math.max(...STEPS));
  const errorsIn = (steps: StepResult[]) =>
    steps.reduce((n, s) => n + Object.values(s.errors).reduce((a, b) => a + b, 0), 0);
  const linear = linearity(cluster);
  const metLatency =
    largest && largest.participants >= GOAL.participants
      ? largest.rosterChange.p99 !== null &&
        largest.rosterChange.p99 < GOAL.p99Ms &&
        largest.rosterChange.timeouts === 0
      : null;
  // Above idle: what is left when the nodes' fixed cost is taken out must not grow faster than the load.
  const metLinear = linear === null ? null : linear.net <= LINEAR_MAX_RATIO;
  const result = {
    benchmark: 'scale',
    description:
      'Time for a roster change (join, mute, leave) to reach every other client of its meeting, and control-plane CPU per 100 participants, 3 nodes (Redis, PostgreSQL, 2 Janus) against 1 node without Redis',
    date: new Date().toISOString(),
    workload: {
      steps: STEPS,
      meetingSize: MEETING_SIZE,
      clients:
        'guests joining by name (the server issues their tokens), each with its own X-Forwarded-For address (the nodes trust 127.0.0.1), sockets straight to the nodes (participant r of meeting i on node (i + r) mod 3), Origin the public URL; each publishes an offer Janus answers (no media)',
      warmUp: WARMUP ? `${WARMUP} participants at twice the pace, not counted` : 'none',
      pacing: `joins, publishes and leaves each spread evenly over ${RAMP_S} s; each participant toggles its microphone every ${MUTE_EVERY_S} s, ${MUTES} times (so every rate grows with the participants); one change at a time per meeting`,
      measured:
        'per change, ms from sending the action to the last other client of the meeting receiving participantJoined / participantUpdated / participantLeft; CPU = utime + stime of each node process over the join, mute and leave phases',
      singleNode: 'one node, no Redis, embedded Janus, SQLite (TestServer alone)',
    },
    cluster: { steps: cluster, cpuLinearity: linear, cpuFit: cpuFit(cluster) },
    single: { steps: single, cpuLinearity: linearity(single), cpuFit: cpuFit(single) },
    clusterOverSingle: cluster.map((c) => {
      const s = single.find((x) => x.participants === c.participants);
      return {
        participants: c.participants,
        p50: ratio(c.rosterChange.p50, s?.rosterChange.p50),
        p99: ratio(c.rosterChange.p99, s?.rosterChange.p99),
        cpuAllNodes: ratio(c.cpu.allNodesPer100, s?.cpu.allNodesPer100),
        cpuAllNodesNet: ratio(c.cpu.allNodesNetPer100, s?.cpu.allNodesNetPer100),
      };
    }),
    goal: {
      ...GOAL,
      linearMaxRatio: LINEAR_MAX_RATIO,
      metLatency,
      metLinear,
      met: metLatency === null || metLinear === null ? null : metLatency && metLinear,
    },
    errors: errorsIn(cluster) + errorsIn(single),
    error,
    durationS: Math.round((performance.now() - started) / 1000),
    machine: machine(),
  };
  const smallest = cluster[0];
  const singleLargest = single.find((s) => s.participants === largest?.participants);
  await report(
    'scale',
    result,
    `scale: ${largest ? `3 nodes, ${largest.participants} participants: roster change to every client p50 ${largest.rosterChange.p50} ms p99 ${largest.rosterChange.p99} ms (goal p99 < ${GOAL.p99Ms} ms at ${GOAL.participants}: ${metLatency === null ? 'n/a' : metLatency ? 'met' : 'NOT met'})` : 'no cluster figures'}` +
      (smallest && largest
        ? `; CPU per node per 100 participants ${smallest.cpu.meanPerNodePer100} s at ${smallest.participants} → ${largest.cpu.meanPerNodePer100} s at ${largest.participants} (ratio ${linear?.measured ?? 'n/a'}; above idle ${smallest.cpu.meanPerNodeNetPer100} → ${largest.cpu.meanPerNodeNetPer100} s, ratio ${linear?.net ?? 'n/a'}${metLinear === null ? '' : metLinear ? ', linear' : ', NOT linear'})`
        : '') +
      (singleLargest
        ? `; 1 node without Redis: p99 ${singleLargest.rosterChange.p99} ms, CPU per 100 ${singleLargest.cpu.allNodesPer100} s (cluster, all nodes: ${largest?.cpu.allNodesPer100} s; above idle ${singleLargest.cpu.allNodesNetPer100} s vs ${largest?.cpu.allNodesNetPer100} s)`
        : '') +
      `${result.errors ? `; ${result.errors} errors` : ''}${error ? `; FAILED: ${error}` : ''}`,
  );
  return error || result.errors ? 1 : 0;
}

process.exitCode = await main();
