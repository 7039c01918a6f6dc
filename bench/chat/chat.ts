// Chat benchmark (issue 12): messages per second through one node, and the time a message takes to
// reach the 100 other members of a group. The real server (from source, its default settings, SQLite
// or PostgreSQL), 101 people made and signed in through its API, each with its notification socket
// open in this process (Node's own WebSocket client); messages are POSTed to /api/chat as the web app
// does, and every member's socket gets each one as a `chatMessage` notification. No browser, no media.
//
// Environment: BENCH_MESSAGES (throughput phase, default 3000), BENCH_CONCURRENCY (requests in flight
// in it, default 16), BENCH_DELIVERY_MESSAGES (default 200), BENCH_RATE (their rate per second,
// default 20), BENCH_WARMUP (unmeasured messages first, default 100), BENCH_MEMBERS (people besides
// the sender, default 100: the largest group), BENCH_DATABASE (sqlite | postgres, default sqlite).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ConversationView, Notification } from '@conclave/protocol';
import { startThrowawayPostgres } from '../../scripts/lib/postgres.mjs';
import { TestServer } from '../../test/e2e/support/server';
import { machine, report, round } from '../report';
import {
  busyPercent,
  cpuSeconds,
  descendantSecondsBetween,
  descendantTicks,
  machineTicks,
} from '../scale/cpu';
import { LogWatch } from '../scale/log-watch';
import { Errors, gather, type Listener, type Person } from './people';

const int = (name: string, fallback: number, min: number) =>
  Math.max(min, Math.round(Number(process.env[name] ?? fallback)));
const MESSAGES = int('BENCH_MESSAGES', 3000, 1);
const CONCURRENCY = int('BENCH_CONCURRENCY', 16, 1);
const DELIVERY_MESSAGES = int('BENCH_DELIVERY_MESSAGES', 200, 1);
const RATE = Math.max(0.1, Number(process.env.BENCH_RATE ?? 20));
const WARMUP = int('BENCH_WARMUP', 100, 0);
/** A group holds its maker and at most 100 others (MAX_GROUP_MEMBERS). */
const MEMBERS = Math.min(100, int('BENCH_MEMBERS', 100, 1));
const DATABASE = process.env.BENCH_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
/**
 * The server's default per-person limit (ChatService: 120 messages a minute, in fixed windows). The
 * messages are spread round-robin over all members, so that no one sends more than this in the whole
 * run and the limit never caps the figures: the server is measured as it ships.
 */
const PER_PERSON_LIMIT = 120;
/** A message not seen by every socket this long after the last was sent counts as missing. */
const DRAIN_TIMEOUT_MS = 10_000;
/** Every chat notification's text starts so (the server sends `{ type, message }` in that order). */
const CHAT_FRAME = '{"type":"chatMessage"';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `done()` holds, or after `timeoutMs`; whether it held. */
async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

/** Nearest-rank percentile of sorted samples, in ms with one decimal. */
function pct(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!, 1);
}
const sortedOf = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

/**
 * What a phase cost: the server's CPU (in % of one core, and in ms per message, which other work on
 * the machine does not change), this process's CPU and event-loop delay (its delays land in the
 * figures), PostgreSQL's processes when it is the database (SQLite runs inside the server), and how busy
 * the whole machine was (whatever else runs on it takes cores from the server).
 */
class Load {
  private readonly at = performance.now();
  private readonly server: number;
  private readonly self = process.cpuUsage();
  private readonly machine = machineTicks();
  private readonly database = descendantTicks(['postgres']);
  private readonly loop = monitorEventLoopDelay({ resolution: 10 });

  constructor(private readonly pid: number) {
    this.server = cpuSeconds(pid);
    this.loop.enable();
  }

  end(messages: number) {
    this.loop.disable();
    const s = (performance.now() - this.at) / 1000;
    const server = cpuSeconds(this.pid) - this.server;
    const self = process.cpuUsage(this.self);
    const database = descendantSecondsBetween(this.database, descendantTicks(['postgres'])).postgres;
    return {
      serverCpuPercent: round((server / s) * 100, 1),
      serverCpuMsPerMessage: round((server * 1000) / messages, 2),
      ...(database !== undefined && { postgresCpuPercent: round((database / s) * 100, 1) }),
      generatorCpuPercent: round(((self.user + self.system) / 1e6 / s) * 100, 1),
      generatorLoopDelayP99Ms: round(this.loop.percentile(99) / 1e6, 1),
      machineBusyPercent: busyPercent(this.machine, machineTicks()),
    };
  }
}

interface Run {
  server: TestServer;
  people: Person[];
  conversationId: string;
  errors: Errors;
  /** Where every socket's frames go; each phase sets its own. */
  listener: Listener;
}

/** POSTs one message as `sender`; the status, and the time to the whole answer. */
async function send(run: Run, sender: Person, body: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  try {
    const res = await sender.post(`/api/chat/conversations/${run.conversationId}/messages`, { body });
    const text = await res.text();
    if (res.status !== 201) run.errors.add(`http_${res.status}`, text.slice(0, 200));
    return { status: res.status, ms: performance.now() - t0 };
  } catch (err) {
    run.errors.add('fetch', err instanceof Error ? err.message : String(err));
    return { status: 0, ms: performance.now() - t0 };
  }
}

/**
 * As many messages as the node takes, `CONCURRENCY` requests in flight from the members in turn;
 * every frame on every socket (the sender's own too) counts as a delivery.
 */
async function throughput(run: Run, count: number, tag: string) {
  const n = run.people.length;
  let delivered = 0;
  let lastDelivery = 0;
  run.listener = (_, frame, at) => {
    if (!frame.startsWith(CHAT_FRAME)) return;
    delivered++;
    lastDelivery = at;
  };
  const load = new Load(run.server.pid);
  const postMs: number[] = [];
  let accepted = 0;
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    for (let k = next++; k < count; k = next++) {
      const r = await send(run, run.people[k % n]!, `${tag} ${k}`);
      postMs.push(r.ms);
      if (r.status === 201) accepted++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const sentS = (performance.now() - start) / 1000;
  const expected = accepted * n;
  const drained = await until(() => delivered >= expected, DRAIN_TIMEOUT_MS);
  const deliveredS = ((drained ? lastDelivery : performance.now()) - start) / 1000;
  const cpu = load.end(count);
  if (delivered < expected) run.errors.add('missing', `${expected - delivered} of ${expected} deliveries`);
  const post = sortedOf(postMs);
  return {
    messages: count,
    concurrency: CONCURRENCY,
    senders: Math.min(n, count),
    accepted,
    sentS: round(sentS, 2),
    sentPerS: round(accepted / sentS),
    deliveriesExpected: expected,
    deliveries: delivered,
    deliveredS: round(deliveredS, 2),
    deliveredPerS: round(delivered / deliveredS),
    postMs: { p50: pct(post, 0.5), p99: pct(post, 0.99), max: pct(post, 1) },
    ...cpu,
  };
}

/**
 * Messages at a steady rate, each from the next member in turn; for each, the time from the POST's
 * start to each of the other members' sockets receiving it. Sent on schedule whether or not the
 * earlier ones were answered, so that a slow answer delays no measurement.
 */
async function delivery(run: Run) {
  const n = run.people.length;
  interface Sent {
    sender: Person;
    at: number;
    seen: number[];
  }
  const sent = new Map<string, Sent>();
  run.listener = (receiver, frame, at) => {
    if (!frame.startsWith(CHAT_FRAME)) return;
    const { message } = JSON.parse(frame) as Extract<Notification, { type: 'chatMessage' }>;
    const s = sent.get(message.body ?? '');
    if (s && receiver !== s.sender) s.seen.push(at - s.at);
  };
  const load = new Load(run.server.pid);
  const postMs: number[] = [];
  const pending: Promise<unknown>[] = [];
  const start = performance.now();
  for (let i = 0; i < DELIVERY_MESSAGES; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    const body = `delivery ${i}`;
    const sender = run.people[i % n]!;
    sent.set(body, { sender, at: performance.now(), seen: [] });
    pending.push(send(run, sender, body).then((r) => postMs.push(r.ms)));
  }
  await Promise.all(pending);
  const all = [...sent.values()];
  await until(() => all.every((s) => s.seen.length >= n - 1), DRAIN_TIMEOUT_MS);
  const cpu = load.end(DELIVERY_MESSAGES);
  const missing = all.reduce((m, s) => m + (n - 1 - s.seen.length), 0);
  if (missing > 0) run.errors.add('missing', `${missing} of ${all.length * (n - 1)} deliveries`);
  const each = sortedOf(all.flatMap((s) => s.seen));
  const last = sortedOf(all.filter((s) => s.seen.length >= n - 1).map((s) => Math.max(...s.seen)));
  const post = sortedOf(postMs);
  return {
    members: n - 1,
    messages: all.length,
    ratePerS: RATE,
    samples: each.length,
    missing,
    p50Ms: pct(each, 0.5),
    p90Ms: pct(each, 0.9),
    p99Ms: pct(each, 0.99),
    maxMs: pct(each, 1),
    /** Per message, the time to the last of the members: when everyone has it. */
    toLastMember: { p50Ms: pct(last, 0.5), p99Ms: pct(last, 0.99), maxMs: pct(last, 1) },
    postMs: { p50: pct(post, 0.5), p99: pct(post, 0.99), max: pct(post, 1) },
    ...cpu,
  };
}

async function main(): Promise<number> {
  const total = WARMUP + MESSAGES + DELIVERY_MESSAGES;
  const perPerson = Math.ceil(total / (MEMBERS + 1));
  if (perPerson > PER_PERSON_LIMIT) {
    console.error(
      `[bench] ${total} messages over ${MEMBERS + 1} people is ${perPerson} each, more than the server's ${PER_PERSON_LIMIT} a minute`,
    );
    return 1;
  }
  const started = performance.now();
  const postgres = DATABASE === 'postgres' ? await startThrowawayPostgres() : null;
  const server = await TestServer.start({
    web: 'none',
    waitForMedia: false,
    env: { CONCLAVE_TRUST_PROXY: '127.0.0.1', ...(postgres && { DATABASE_URL: postgres.url }) },
  }).catch(async (err: unknown) => {
    await postgres?.stop();
    throw err;
  });
  const errors = new Errors();
  const logs = new LogWatch([() => server.logLines()]);
  let people: Person[] = [];
  try {
    const run: Run = { server, people, conversationId: '', errors, listener: () => undefined };
    people = await gather(server.url, await server.setupLink(), MEMBERS, () => run.listener, errors);
    run.people = people;
    const res = await people[0]!.post('/api/chat/conversations', {
      kind: 'group',
      name: 'Everyone',
      memberIds: people.slice(1).map((p) => p.userId),
    });
    if (res.status !== 201)
      throw new Error(`POST /api/chat/conversations: ${res.status} ${await res.text()}`);
    run.conversationId = ((await res.json()) as ConversationView).id;
    const setupS = round((performance.now() - started) / 1000, 1);
    console.error(`[bench] ${people.length} people signed in and listening after ${setupS} s (${DATABASE})`);

    // V8 compiles the server's hot paths on the first messages: those are not what a node does all day.
    if (WARMUP > 0) await throughput(run, WARMUP, 'warm-up');
    await sleep(1000);
    const t = await throughput(run, MESSAGES, 'throughput');
    console.error(
      `[bench] throughput: ${t.sentPerS} msgs/s, ${t.deliveredPerS} deliveries/s, server ${t.serverCpuPercent} % of a core` +
        ` (${t.serverCpuMsPerMessage} ms per message), machine ${t.machineBusyPercent} % busy`,
    );
    await sleep(1000);
    const d = await delivery(run);
    logs.stop();
    const result = {
      workload: {
        people: people.length,
        database: DATABASE,
        warmupMessages: WARMUP,
        messagesPerPerson: perPerson,
        perPersonLimitPerMinute: PER_PERSON_LIMIT,
        serverLogLevel: process.env.CONCLAVE_E2E_SERVER_LOG_LEVEL ?? 'info',
      },
      throughput: t,
      delivery: d,
      errors: errors.counts,
      firstErrors: errors.first,
      serverWarnings: logs.counts,
      setupS,
      machine: machine(),
    };
    const thousands = (x: number) => x.toLocaleString('en-GB');
    await report(
      DATABASE === 'sqlite' ? 'chat' : `chat-${DATABASE}`,
      result,
      `chat (${DATABASE}): ${thousands(t.sentPerS)} msgs/s through one node (${thousands(t.deliveredPerS)} deliveries/s);` +
        ` delivery to ${d.members} members p50 ${d.p50Ms} ms p99 ${d.p99Ms} ms (POST p50 ${d.postMs.p50} ms p99 ${d.postMs.p99} ms)` +
        `${errors.total ? `; ${errors.total} errors: ${JSON.stringify(errors.counts)}` : ''}`,
    );
    return errors.total ? 1 : 0;
  } finally {
    for (const p of people) p.close();
    await server.stop();
    await postgres?.stop();
  }
}

process.exitCode = await main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return 1;
});
