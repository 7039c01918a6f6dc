// Failover benchmark (NET-FAILOVER): two people in a call through a server running two embedded Janus;
// the Janus carrying the call is SIGKILLed, and what is measured is the time from the kill to the first
// video frame decoded again at every participant, from the other server. Each round is a fresh meeting
// and fresh browser contexts; between rounds both servers are up again. Goal: median < 3 s.
//
// Environment: BENCH_ROUNDS (default 10).
import { completeSetup } from '../../test/e2e/support/app';
import { TestBrowser } from '../../test/e2e/support/browser';
import { assertReceives, type InMeeting } from '../../test/e2e/support/checks';
import { roomMediaStats, sleep } from '../../test/e2e/support/media';
import { mediaSkipReason } from '../../test/e2e/support/sandbox';
import { adaHostsBob } from '../../test/e2e/support/scenes';
import { TestServer } from '../../test/e2e/support/server';
import { mediaServerPorts, recordWire } from '../../test/e2e/support/wire';
import { machine, report } from '../report';
import { describeFigures, measureRounds, type Rounds } from './rounds';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 10));
const GOAL_MS = 3_000;
const GIVE_UP_MS = 20_000;

/** The receiver's framesDecoded of the sender's camera, or null while not subscribed. */
async function decoded(receiver: InMeeting, sender: InMeeting): Promise<number | null> {
  const stats = await roomMediaStats(receiver.page).catch(() => []);
  return stats.find((s) => s.participantId === sender.id && s.source === 'camera')?.framesDecoded ?? null;
}

/**
 * Milliseconds from `since` until the receiver decodes a frame of a new subscription: its counter
 * starts again below what it was at the kill (or, never having fallen, grows past it).
 */
async function decodedAgain(receiver: InMeeting, sender: InMeeting, atKill: number, since: number) {
  for (;;) {
    const v = await decoded(receiver, sender);
    if (v !== null && (v < atKill ? v > 0 : v > atKill)) return performance.now() - since;
    if (performance.now() - since > GIVE_UP_MS) throw new Error(`${receiver.name} decoded nothing again`);
    await sleep(20);
  }
}

async function round(server: TestServer, browser: TestBrowser, i: number): Promise<number> {
  const { ada, bob } = await adaHostsBob(browser, server, `Failover ${i}`, recordWire);
  try {
    await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
    const ports = await mediaServerPorts(ada.page);
    const hosting = server.janusPids().find((pid) => {
      const range = server.janusRtpPorts(pid);
      return ports.some((p) => p >= range.min && p <= range.max);
    });
    if (hosting === undefined) throw new Error(`no Janus owns the call's ports ${ports.join(', ')}`);
    const atKill = { ada: (await decoded(ada, bob)) ?? 0, bob: (await decoded(bob, ada)) ?? 0 };
    const killedAt = performance.now();
    process.kill(hosting, 'SIGKILL');
    const times = await Promise.all([
      decodedAgain(ada, bob, atKill.ada, killedAt),
      decodedAgain(bob, ada, atKill.bob, killedAt),
    ]);
    return Math.max(...times);
  } finally {
    await Promise.all([ada.page.context().close(), bob.page.context().close()]);
  }
}

/** Both servers up again (the killed one restarted and connected). */
async function bothUp(server: TestServer): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (server.janusPids().length < 2 || (await server.health()).media !== 'ready') {
    if (Date.now() > deadline) throw new Error('the media servers did not both come back');
    await sleep(200);
  }
  // The restarted one's API connection follows its process by a moment.
  await sleep(1_500);
}

async function main(): Promise<number> {
  const skip = mediaSkipReason();
  if (skip) {
    console.error(`[bench] ${skip}`);
    return 1;
  }
  const server = await TestServer.start({ env: { CONCLAVE_MEDIA_SERVERS: '2' } });
  const browser = await TestBrowser.launch();
  const chromium = browser.browser.version();
  let measured: Rounds;
  try {
    await completeSetup(server);
    measured = await measureRounds(
      ROUNDS,
      () => bothUp(server),
      (i) => round(server, browser, i),
    );
  } finally {
    await browser.close();
    await server.stop();
  }
  const { figures, error } = measured;
  const result = {
    benchmark: 'failover',
    description:
      'SIGKILL of the Janus carrying a two-person call (two embedded Janus) to the first frame decoded again at every participant, ms',
    date: new Date().toISOString(),
    rounds: ROUNDS,
    killToDecodedMs: figures,
    goalMs: GOAL_MS,
    metGoal: figures ? figures.median < GOAL_MS : null,
    error,
    machine: machine(chromium),
  };
  await report(
    'failover',
    result,
    `failover: ${describeFigures(figures)} ` +
      `from the kill to media at everyone (goal < ${GOAL_MS} ms)${error ? `; FAILED: ${error}` : ''}`,
  );
  return error ? 1 : 0;
}

process.exitCode = await main();
