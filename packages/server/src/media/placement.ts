/**
 * Where a new meeting room goes (NET-REGIONS): to the media server of the preferred region with the
 * most room to spare (capacity − participants already placed on it), ties to the fewest rooms. A region
 * that is full or has no healthy server spills to the next preferred, then to any other; only when
 * every server is full does the one least over its capacity take the room, since refusing a meeting
 * is worse than crowding a server (capacity is our estimate, not a limit Janus enforces).
 */

/** A healthy media server that could take a room, and what is placed on it now. */
export interface Candidate {
  region: string;
  capacity: number;
  participants: number;
  rooms: number;
}

/**
 * The candidate to place a room on, or null when there is none. `preferred` lists regions nearest
 * first; regions it leaves out come after it, all alike (nothing says which of them is nearer).
 * Among equals, the earlier candidate (configuration order) wins.
 */
export function choosePlacement<C extends Candidate>(
  candidates: readonly C[],
  preferred: readonly string[] = [],
): C | null {
  const tiers = [
    ...preferred.map((region) => candidates.filter((c) => c.region === region)),
    candidates.filter((c) => !preferred.includes(c.region)),
  ];
  for (const tier of tiers) {
    const best = roomiest(tier.filter((c) => spare(c) > 0));
    if (best) return best;
  }
  return roomiest(candidates);
}

/** Orders regions by measured round-trip time, nearest first; unmeasured regions are left out. */
export function regionsByRtt(rtts: Readonly<Record<string, number>>): string[] {
  return Object.entries(rtts)
    .sort(([, a], [, b]) => a - b)
    .map(([region]) => region);
}

const spare = (c: Candidate) => c.capacity - c.participants;

function roomiest<C extends Candidate>(candidates: readonly C[]): C | null {
  let best: C | null = null;
  for (const c of candidates) {
    if (!best || spare(c) > spare(best) || (spare(c) === spare(best) && c.rooms < best.rooms)) best = c;
  }
  return best;
}
