import { summarise } from '../report';

/** The figures of a failover benchmark (one per round, in ms), or where it stopped. */
export interface Rounds {
  samples: number[];
  figures: ReturnType<typeof summarise> | null;
  error: string | null;
}

/**
 * Runs `rounds` measured rounds, `prepare` before each (from the second on: the killed part back up),
 * stopping at the first failure, whose message becomes the result's `error`. `what` names a round's
 * figure in the progress lines.
 */
export async function measureRounds(
  rounds: number,
  prepare: (i: number) => Promise<void>,
  round: (i: number) => Promise<number>,
  what = 'media decoded again at everyone after the kill',
): Promise<Rounds> {
  const samples: number[] = [];
  let error: string | null = null;
  for (let i = 1; i <= rounds && !error; i++) {
    try {
      await prepare(i);
      const ms = await round(i);
      samples.push(ms);
      console.error(`[bench] round ${i}: ${Math.round(ms)} ms, ${what}`);
    } catch (err) {
      error = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      console.error(`[bench] failed: ${error}`);
    }
  }
  return { samples, figures: samples.length ? summarise(samples) : null, error };
}

/** The summary line's figures. */
export const describeFigures = (figures: Rounds['figures']): string =>
  figures ? `median ${figures.median} ms p90 ${figures.p90} ms max ${figures.max} ms` : 'n/a';
