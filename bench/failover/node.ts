// Control-plane failover benchmark (NET-SCALE): three nodes behind HAProxy (test/e2e/support/cluster.ts);
// Ada's browser comes through node 1, which therefore owns the meeting, Bob's through node 2. Node 1 is
// SIGKILLed while both watch each other's camera, and what is measured is each one's longest stretch
// without a newly decoded frame around the kill: the node taking the meeting over claims the dead node's
// Janus session and everyone resumes under the same participant (docs/scale-out.md, "A node dies"), so
// media should not stop at all. (Before that, everyone rejoined: 1.87 s median from the kill to media.)
// Each round is a fresh meeting and fresh browser contexts, with the killed node started again between
// rounds.
//
// Environment: BENCH_ROUNDS (default 10).
import {
  completeSetup,
  createMeeting,
  joinAsGuest,
  joinSignedIn,
  selfTile,
  signIn,
} from '../../test/e2e/support/app';
import { TestBrowser } from '../../test/e2e/support/browser';
import { assertReceives, longestStalls, type InMeeting } from '../../test/e2e/support/checks';
import { TestCluster } from '../../test/e2e/support/cluster';
import { sleep } from '../../test/e2e/support/media';
import { mediaSkipReason } from '../../test/e2e/support/sandbox';
import { machine, report } from '../report';
import { describeFigures, measureRounds, type Rounds } from './rounds';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 10));
/** How long both watch: the kill comes a second in, the takeover within a few. */
const WATCH_MS = 6_000;

async function round(cluster: TestCluster, browser: TestBrowser, i: number): Promise<number> {
  const a = await cluster.participantThrough(browser, 'Ada', 0);
  await signIn(a.context, cluster);
  const meeting = await createMeeting(a.context, cluster, `Node failover ${i}`);
  const ada: InMeeting = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, meeting.joinUrl) };
  const b = await cluster.participantThrough(browser, 'Bob', 1);
  const bob: InMeeting = { name: 'Bob', page: b.page, id: await joinAsGuest(b.page, meeting.joinUrl, 'Bob') };
  try {
    await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
    const watching = Promise.all([longestStalls(ada, [bob], WATCH_MS), longestStalls(bob, [ada], WATCH_MS)]);
    await sleep(1_000);
    await cluster.nodes[0]!.kill();
    const [atAda, atBob] = await watching;
    for (const p of [ada, bob]) {
      const id = await selfTile(p.page).getAttribute('data-participant-id');
      if (id !== p.id)
        throw new Error(`${p.name} joined again (${p.id} → ${id ?? 'none'}) instead of resuming`);
    }
    return Math.max(atAda.Bob!, atBob.Ada!);
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
      'the longest camera stall at either participant around the kill',
    );
  } finally {
    await browser.close();
    await cluster.stop();
  }
  const { figures, error } = measured;
  const result = {
    benchmark: 'failover-node',
    description:
      'SIGKILL of the control-plane node owning a two-person call (three nodes, HAProxy, two Janus): the longest time without a new decoded camera frame at either participant around the kill, ms (both resume under the same participant id)',
    date: new Date().toISOString(),
    rounds: ROUNDS,
    longestStallMs: figures,
    error,
    machine: machine(chromium),
  };
  await report(
    'failover-node',
    result,
    `failover-node: ${describeFigures(figures)} ` +
      `longest camera stall at either participant around the owner node's kill (resumed, not rejoined)${error ? `; FAILED: ${error}` : ''}`,
  );
  return error ? 1 : 0;
}

process.exitCode = await main();
