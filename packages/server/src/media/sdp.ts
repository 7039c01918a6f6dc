/** One m= section of an SDP: its media kind and mid (null when it has none). */
interface SdpMediaSection {
  kind: string;
  mid: string | null;
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive' | null;
}

/** The media sections of an SDP, enough to check what a client claims about its own offer. */
function sdpMediaSections(sdp: string): SdpMediaSection[] {
  const sections: SdpMediaSection[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      sections.push({ kind: line.slice(2).split(' ')[0] ?? '', mid: null, direction: null });
      continue;
    }
    const current = sections.at(-1);
    if (!current) continue;
    if (line.startsWith('a=mid:')) current.mid = line.slice(6).trim();
    else if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line.trim())) {
      current.direction = line.trim().slice(2) as SdpMediaSection['direction'];
    }
  }
  return sections;
}

/** A track a client says its offer carries: which media section (mid), of which kind. */
export interface ClaimedTrack {
  mid: string;
  kind: 'audio' | 'video';
  /** How the client calls it, for the message (e.g. "camera"). */
  name: string;
}

/** What is wrong with a client's claims about its own offer, and which input field says it. */
export interface SdpProblem {
  message: string;
  field: string;
}

/**
 * Checks a publisher's offer against its claims: it is an SDP, and each claimed mid exists with the
 * claimed kind. Fields are named as `tracks.N.mid` for the N-th claim.
 */
export function checkClaimedTracks(sdp: string, claims: readonly ClaimedTrack[]): SdpProblem | null {
  if (!sdp.startsWith('v=0')) return { message: 'sdp: not an SDP offer', field: 'sdp' };
  const sections = sdpMediaSections(sdp);
  for (const [i, claim] of claims.entries()) {
    const section = sections.find((s) => s.mid === claim.mid);
    if (!section) {
      return { message: `tracks: the offer has no media section ${claim.mid}`, field: `tracks.${i}.mid` };
    }
    if (section.kind !== claim.kind) {
      return {
        message: `tracks: ${claim.name} needs an ${claim.kind} section, ${claim.mid} is ${section.kind}`,
        field: `tracks.${i}.mid`,
      };
    }
  }
  return null;
}

/**
 * Gives every media section that lists a payload type without its `a=fmtp` the format parameters
 * another section of the offer has for it. Janus writes a subscription's inactive m-lines (a source
 * that left) without them, and Chromium refuses a BUNDLE group whose sections use one payload type
 * with different parameters ("codec collision"): a meeting with people coming and going would
 * otherwise leave receivers unable to take the next offer.
 */
export function alignFormatParameters(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const ended = sdp.endsWith(eol);
  const lines = (ended ? sdp.slice(0, -eol.length) : sdp).split(/\r?\n/);
  const fmtp = new Map<string, string>();
  for (const line of lines) {
    const m = /^a=fmtp:(\d+) /.exec(line);
    if (m && !fmtp.has(m[1]!)) fmtp.set(m[1]!, line);
  }
  if (fmtp.size === 0) return sdp;
  // Each section: which payload types it maps, and which of them it gives parameters for.
  const out: string[] = [];
  let pending: string[] = [];
  let mapped: string[] = [];
  let given = new Set<string>();
  const flush = () => {
    for (const pt of mapped) if (!given.has(pt) && fmtp.has(pt)) pending.push(fmtp.get(pt)!);
    out.push(...pending);
    pending = [];
    mapped = [];
    given = new Set();
  };
  for (const line of lines) {
    if (line.startsWith('m=')) flush();
    const rtpmap = /^a=rtpmap:(\d+) /.exec(line);
    if (rtpmap) mapped.push(rtpmap[1]!);
    const own = /^a=fmtp:(\d+) /.exec(line);
    if (own) given.add(own[1]!);
    pending.push(line);
  }
  flush();
  return out.join(eol) + (ended ? eol : '');
}
