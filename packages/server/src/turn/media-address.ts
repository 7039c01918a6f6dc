import { networkInterfaces } from 'node:os';

/**
 * The IPv4 address media is relayed on: the first of the media interfaces' (Janus's
 * `ice_enforce_list`: interface names or address prefixes), or of any non-loopback interface when
 * none is named. Null when there is none: browsers drop loopback relay candidates.
 */
export function mediaAddress(iceInterfaces: string | null): string | null {
  const wanted =
    iceInterfaces
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.family !== 'IPv4' || a.internal) continue;
      if (wanted.length === 0 || wanted.some((w) => w === name || a.address.startsWith(w))) return a.address;
    }
  }
  return null;
}
