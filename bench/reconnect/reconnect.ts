// Reconnect benchmark (MEET-RECONNECT): two people in a call, Bob's browser in a network namespace of
// its own (test/e2e/support/cut-link.ts); Bob's whole network (media and signaling) is cut for 5 s and
// restored. Measured: the time from the restore to the first video frame decoded again, at Bob (Ada's
// camera) and at Ada (Bob's camera). Each round is a fresh meeting and fresh browser contexts.
// Goal: median < 2 s.
//
// Environment: BENCH_ROUNDS (default 10), BENCH_CUT_MS (default 5000).
import type { InMeeting } from '../../test/e2e/support/checks';
import { assertReceives } from '../../test/e2e/support/checks';
import { roomMediaStats, sleep } from '../../test/e2e/support/media';
import { ReconnectStage } from '../../test/e2e/support/reconnect-scene';
import { mediaSkipReason } from '../../test/e2e/support/sandbox';
import { measureRounds, type Rounds } from '../failover/rounds';
import { machine, report, summarise } from '../report';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 10));
const CUT_MS = Math.max(1_000, Number(process.env.BENCH_CUT_MS ?? 5_000));
const GOAL_MS = 2_000;
const GIVE_UP_MS = 30_000;

/** The receiver's framesDecoded of the sender's camera, or null while not subscribed. */
async function decoded(receiver: InMeeting, sender: InMeeting): Promise<number | null> {
  const stats = await roomMediaStats(receiver.page).catch(() => []);
  return stats.find((s) => s.participantId === sender.id && s.source === 'camera')?.framesDecoded ?? null;
}

/** Milliseconds from `since` until the receiver decodes a frame past `atRestore` (or on a new subscription). */
async function decodedAgain(receiver: InMeeting, sender: InMeeting, atRestore: number, since: number) {
  for (;;) {
    const v = await decoded(receiver, sender);
    if (v !== null && (v < atRestore ? v > 0 : v > atRestore)) return performance.now() - since;
    if (performance.now() - since > GIVE_UP_MS) throw new Error(`${receiver.name} decoded nothing again`);
    await sleep(20);
  }
}

interface Round {
  bob: number;
  ada: number;
}

async function round(stage: ReconnectStage, i: number, rounds: Round[]): Promise<number> {
  const { ada, bob } = await stage.adaHostsBob(`Reconnect ${i}`, { distinctCamera: false });
  try {
    await Promise.all([assertReceives(ada, bob), assertReceives(bob, ada)]);
    stage.link.cut('all');
    await sleep(CUT_MS);
    // What was decoded by the end of the cut; a frame past it is media back.
    const atRestore = { ada: (await decoded(ada, bob)) ?? 0, bob: (await decoded(bob, ada)) ?? 0 };
    const restoredAt = performance.now();
    stage.link.restore();
    const [atBob, atAda] = await Promise.all([
      decodedAgain(bob, ada, atRestore.bob, restoredAt),
      decodedAgain(ada, bob, atRestore.ada, restoredAt),
    ]);
    rounds.push({ bob: Math.round(atBob), ada: Math.round(atAda) });
    return Math.max(atBob, atAda);
  } finally {
    stage.link.restore();
    await Promise.all([ada.page.context().close(), bob.page.context().close()]);
  }
}

async function main(): Promise<number> {
  const skip = mediaSkipReason();
  if (skip) {
    console.error(`[bench] ${skip}`);
    return 1;
  }
  const stage = await ReconnectStage.start();
  const chromium = stage.ada.browser.version();
  const perRound: Round[] = [];
  let measured: Rounds;
  try {
    measured = await measureRounds(
      ROUNDS,
      async () => sleep(1_000),
      (i) => round(stage, i, perRound),
      'media decoded again at both after the restore',
    );
  } finally {
    await stage.stop();
  }
  const { figures, error } = measured;
  const at = (who: keyof Round) => (perRound.length ? summarise(perRound.map((r) => r[who])) : null);
  const result = {
    benchmark: 'reconnect',
    description: `network of one participant cut for ${CUT_MS} ms (media and signaling), restore to the first video frame decoded again at both participants, ms`,
    date: new Date().toISOString(),
    rounds: ROUNDS,
    cutMs: CUT_MS,
    restoreToDecodedMs: figures,
    atCutParticipantMs: at('bob'),
    atOtherParticipantMs: at('ada'),
    goalMs: GOAL_MS,
    metGoal: figures ? figures.median < GOAL_MS : null,
    error,
    machine: machine(chromium),
  };
  const fmt = (f: ReturnType<typeof summarise> | null) =>
    f ? `median ${f.median} ms p90 ${f.p90} ms` : 'n/a';
  await report(
    'reconnect',
    result,
    `reconnect: ${fmt(figures)} from the restore to media at both (at the cut one ${fmt(at('bob'))}, ` +
      `at the other ${fmt(at('ada'))}; goal < ${GOAL_MS} ms)${error ? `; FAILED: ${error}` : ''}`,
  );
  return error ? 1 : 0;
}

process.exitCode = await main();
