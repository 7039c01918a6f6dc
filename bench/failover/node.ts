// Control-plane failover benchmark (NET-SCALE): three nodes behind HAProxy (test/e2e/support/cluster.ts);
// Ada's browser comes through node 1, which therefore owns the meeting, Bob's through node 2. Node 1 is
// SIGKILLed, and what is measured is the time from the kill to the first video frame decoded again at
// both — from the other's new participant, since today everyone rejoins after an owner's death (see
// docs/scale-out.md, "A node dies"). Each round is a fresh meeting and fresh browser contexts, with the
// killed node started again between rounds.
//
// Environment: BENCH_ROUNDS (default 10).
import { completeSetup, createMeeting, joinAsGuest, joinSignedIn, signIn } from '../../test/e2e/support/app';
import { TestBrowser } from '../../test/e2e/support/browser';
import { assertReceives, type InMeeting } from '../../test/e2e/support/checks';
import { TestCluster } from '../../test/e2e/support/cluster';
import { roomMediaStats, sleep } from '../../test/e2e/support/media';
import { mediaSkipReason } from '../../test/e2e/support/sandbox';
import { machine, report } from '../report';
import { describeFigures, measureRounds, type Rounds } from './rounds';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 10));
const GIVE_UP_MS = 30_000;

/** Milliseconds from `since` until the receiver decodes a camera frame of someone not in `before`. */
async function decodedFromNewcomer(receiver: InMeeting, before: ReadonlySet<string>, since: number) {
  for (;;) {
    const stats = await roomMediaStats(receiver.page).catch(() => []);
    const fresh = stats.find(
      (s) => s.source === 'camera' && !before.has(s.participantId) && s.framesDecoded > 0,
    );
    if (fresh) return performance.now() - since;
    if (performance.now() - since > GIVE_UP_MS) throw new Error(`${receiver.name} decoded nothing again`);
    await sleep(20);
  }
}

async function round(cluster: TestCluster, browser: TestBrowser, i: number): Promise<number> {
  const a = await cluster.participantThrough(browser, 'Ada', 0);
  await signIn(a.context, cluster);
  const meeting = await createMeeting(a.context, cluster, `Node failover ${i}`);
  const ada: InMeeting = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, meeting.joinUrl) };
  const b = await cluster.participantThrough(browser, 'Bob', 1);
  const bob: InMeeting = { name: 'Bob', page: b.page, id: await joinAsGuest(b.page, meeting.joinUrl, 'Bob') };
  try {
    await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
    const before = new Set([ada.id, bob.id]);
    const killedAt = performance.now();
    await cluster.nodes[0]!.kill();
    const times = await Promise.all([
      decodedFromNewcomer(ada, before, killedAt),
      decodedFromNewcomer(bob, before, killedAt),
    ]);
    return Math.max(...times);
  } finally {
    await Promise.all([ada.page.context().close(), bob.page.context().close()]);
  }
}

async function main(): Promise<number> {
  const skip = mediaSkipReason();
  if (skip) {
    console.error(`[bench] ${skip}`);
    return 1;
  }
  const cluster = await TestCluster.start({ nodes: 3 });
  const browser = await TestBrowser.launch();
  const chromium = browser.browser.version();
  let measured: Rounds;
  try {
    await completeSetup(cluster);
    measured = await measureRounds(
      ROUNDS,
      async (i) => {
        if (i === 1) return;
        await cluster.restart(0);
        await sleep(1_500); // the balancer's checks see it up again (rise 2, every 300 ms)
      },
      (i) => round(cluster, browser, i),
    );
  } finally {
    await browser.close();
    await cluster.stop();
  }
  const { figures, error } = measured;
  const result = {
    benchmark: 'failover-node',
    description:
      'SIGKILL of the control-plane node owning a two-person call (three nodes, HAProxy, two Janus) to the first frame decoded again at every participant, ms',
    date: new Date().toISOString(),
    rounds: ROUNDS,
    killToDecodedMs: figures,
    error,
    machine: machine(chromium),
  };
  await report(
    'failover-node',
    result,
    `failover-node: ${describeFigures(figures)} ` +
      `from the owner node's kill to media at everyone (everyone rejoins)${error ? `; FAILED: ${error}` : ''}`,
  );
  return error ? 1 : 0;
}

process.exitCode = await main();
