// TURN benchmark (NET-TURN): how much longer a join takes when the network forces media through the
// relay. Bob's browser runs in a network of its own (test/e2e/support/cut-link.ts) whose firewall
// each scenario sets, as in test/e2e/turn-relay.test.ts:
//   direct    — nothing blocked: straight to the media server over UDP;
//   turn-udp  — the organisation relays all media, TCP and TLS to the relay closed: TURN over UDP;
//   turn-tcp  — no UDP out at all: TURN over TCP;
//   turn-tls  — no UDP and no TCP 3478: TURN over TLS.
// Measured: from Bob's click on "Join meeting" to the first frame of Ada's camera decoded at Bob,
// for each scenario in turn within each round (so background load falls on all alike); every join
// is checked to have taken the scenario's path. Reported: medians and their ratio to direct.
//
// Environment: BENCH_ROUNDS (default 6).
import { createMeeting, joinSignedIn, signIn, updateSettings } from '../../test/e2e/support/app';
import { roomMediaStats, sleep } from '../../test/e2e/support/media';
import { RelayStage } from '../../test/e2e/support/relay-stage';
import { mediaSkipReason } from '../../test/e2e/support/sandbox';
import { recordWire, selectedPaths } from '../../test/e2e/support/wire';
import { machine, round, summarise, report, type Summary } from '../report';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 6));
const GIVE_UP_MS = 30_000;

interface Scenario {
  name: 'direct' | 'turn-udp' | 'turn-tcp' | 'turn-tls';
  relayOnly: boolean;
  /** nftables matches dropped on the way out of Bob's network. */
  blocked: (turnPort: number, tlsPort: number) => string[];
  /** The local candidate Bob's connections must have selected. */
  path: { candidateType: string; relayProtocol: string | null };
}

const SCENARIOS: Scenario[] = [
  {
    name: 'direct',
    relayOnly: false,
    blocked: () => [],
    path: { candidateType: 'host', relayProtocol: null },
  },
  {
    name: 'turn-udp',
    relayOnly: true,
    blocked: (port, tlsPort) => [`tcp dport ${port}`, `tcp dport ${tlsPort}`],
    path: { candidateType: 'relay', relayProtocol: 'udp' },
  },
  {
    name: 'turn-tcp',
    relayOnly: false,
    blocked: () => ['meta l4proto udp'],
    path: { candidateType: 'relay', relayProtocol: 'tcp' },
  },
  {
    name: 'turn-tls',
    relayOnly: false,
    blocked: (port) => ['meta l4proto udp', `tcp dport ${port}`],
    path: { candidateType: 'relay', relayProtocol: 'tls' },
  },
];

async function main(): Promise<number> {
  const skip = mediaSkipReason();
  if (skip) {
    console.error(`[bench] ${skip}`);
    return 1;
  }
  const stage = await RelayStage.start();
  const { link, server, ada, bob, turnPort, tlsPort } = stage;
  const samples = new Map<Scenario['name'], number[]>(SCENARIOS.map((s) => [s.name, []]));
  let error: string | null = null;
  try {
    const host = await ada.newParticipant('Ada', { cameraCode: 0 });
    await signIn(host.context, server);
    for (let i = 1; i <= ROUNDS && !error; i++) {
      for (const scenario of SCENARIOS) {
        try {
          const ms = await join(scenario, i);
          samples.get(scenario.name)!.push(ms);
          console.error(`[bench] round ${i} ${scenario.name}: ${Math.round(ms)} ms to Ada's first frame`);
        } catch (err) {
          error = `${scenario.name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
          console.error(`[bench] failed: ${error}`);
          break;
        }
      }
    }

    /** Ada hosts a fresh meeting; Bob joins it through the scenario's network: click to first frame. */
    async function join(scenario: Scenario, i: number): Promise<number> {
      link.firewall(scenario.blocked(turnPort, tlsPort));
      await updateSettings(host.context, server, {
        security: { requireSecondFactor: 'nobody', relayOnly: scenario.relayOnly },
      });
      const meeting = await createMeeting(host.context, server, `TURN ${scenario.name} ${i}`);
      const adaId = await joinSignedIn(host.page, meeting.joinUrl);
      const guest = await bob.newParticipant('Bob', { cameraCode: 1 });
      await guest.context.addInitScript(recordWire);
      try {
        await guest.page.goto(meeting.joinUrl);
        await guest.page.getByLabel('Your name').fill('Bob');
        const clicked = performance.now();
        await guest.page.getByRole('button', { name: 'Join meeting' }).click();
        for (;;) {
          const stats = await roomMediaStats(guest.page).catch(() => []);
          const camera = stats.find((s) => s.participantId === adaId && s.source === 'camera');
          if ((camera?.framesDecoded ?? 0) > 0) break;
          if (performance.now() - clicked > GIVE_UP_MS)
            throw new Error("Bob decoded nothing of Ada's camera");
          await sleep(10);
        }
        const ms = performance.now() - clicked;
        const paths = await selectedPaths(guest.page);
        const wrong = paths.find(
          (p) =>
            p.candidateType !== scenario.path.candidateType ||
            p.relayProtocol !== scenario.path.relayProtocol,
        );
        if (wrong || paths.length === 0) throw new Error(`Bob's media took ${JSON.stringify(paths)}`);
        return ms;
      } finally {
        await guest.context.close();
        await host.page.goto('about:blank');
      }
    }
  } finally {
    await stage.stop();
  }

  const figures = Object.fromEntries(
    [...samples].map(([name, s]) => [name, s.length ? summarise(s) : null]),
  ) as Record<Scenario['name'], Summary | null>;
  const direct = figures.direct?.median;
  const ratios = Object.fromEntries(
    SCENARIOS.filter((s) => s.name !== 'direct').map((s) => [
      s.name,
      direct && figures[s.name] ? round(figures[s.name]!.median / direct, 2) : null,
    ]),
  );
  const result = {
    benchmark: 'turn',
    description:
      "click on Join meeting to the first frame of the host's camera decoded, directly and through TURN over UDP, TCP and TLS, ms; ratios of medians to direct",
    date: new Date().toISOString(),
    rounds: ROUNDS,
    joinToFirstFrameMs: figures,
    ratioToDirect: ratios,
    error,
    machine: machine(ada.browser.version()),
  };
  const fmt = (name: Scenario['name']) => (figures[name] ? `${figures[name].median} ms` : 'n/a');
  await report(
    'turn',
    result,
    `turn: join to first frame, median: direct ${fmt('direct')}, TURN UDP ${fmt('turn-udp')} (×${ratios['turn-udp'] ?? 'n/a'}), ` +
      `TCP ${fmt('turn-tcp')} (×${ratios['turn-tcp'] ?? 'n/a'}), TLS ${fmt('turn-tls')} (×${ratios['turn-tls'] ?? 'n/a'})` +
      (error ? `; FAILED: ${error}` : ''),
  );
  return error ? 1 : 0;
}

process.exitCode = await main();
