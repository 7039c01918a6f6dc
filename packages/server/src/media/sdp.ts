/** One m= section of an SDP: its media kind and mid (null when it has none). */
export interface SdpMediaSection {
  kind: string;
  mid: string | null;
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive' | null;
}

/** The media sections of an SDP, enough to check what a client claims about its own offer. */
export function sdpMediaSections(sdp: string): SdpMediaSection[] {
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
