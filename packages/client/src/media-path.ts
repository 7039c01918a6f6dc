/**
 * How this client's media reaches the media server (NET-TURN): directly, or through a TURN relay
 * and over which protocol to it. Firewalls that allow only TLS on 443 end up `relay` over `tls`.
 */
export interface MediaPath {
  relayed: boolean;
  /** To the media server when direct; to the TURN server when relayed. */
  protocol: 'udp' | 'tcp' | 'tls';
}

/** The fields of the RTCStats entries (`transport`, `candidate-pair`, `local-candidate`) read here. */
export interface PathStatsLike {
  type: string;
  id?: string;
  selectedCandidatePairId?: string;
  localCandidateId?: string;
  candidateType?: string;
  protocol?: string;
  relayProtocol?: string;
  /** Firefox marks the pair in use on the pair itself, without a `transport` entry naming it. */
  selected?: boolean;
}

/** The path of one connection from its stats; null while no candidate pair is selected. */
export function selectedPath(reports: Iterable<PathStatsLike>): MediaPath | null {
  const byId = new Map<string, PathStatsLike>();
  let pairId: string | undefined;
  for (const r of reports) {
    if (r.id !== undefined) byId.set(r.id, r);
    if (r.type === 'transport' && r.selectedCandidatePairId) pairId ??= r.selectedCandidatePairId;
    if (r.type === 'candidate-pair' && r.selected === true) pairId ??= r.id;
  }
  const pair = pairId === undefined ? undefined : byId.get(pairId);
  const local = pair?.localCandidateId === undefined ? undefined : byId.get(pair.localCandidateId);
  if (!local) return null;
  if (local.candidateType === 'relay') {
    const protocol = local.relayProtocol;
    return protocol === 'udp' || protocol === 'tcp' || protocol === 'tls'
      ? { relayed: true, protocol }
      : null;
  }
  return local.protocol === 'udp' || local.protocol === 'tcp'
    ? { relayed: false, protocol: local.protocol }
    : null;
}

/**
 * The room's path from its two connections: a relayed one wins, as that is what a user asking
 * "why is it slow?" or an administrator checking the firewall needs to know.
 */
export function roomPath(paths: readonly (MediaPath | null)[]): MediaPath | null {
  const known = paths.filter((p): p is MediaPath => p !== null);
  return known.find((p) => p.relayed) ?? known[0] ?? null;
}

export function samePath(a: MediaPath | null, b: MediaPath | null): boolean {
  return a === b || (a !== null && b !== null && a.relayed === b.relayed && a.protocol === b.protocol);
}
