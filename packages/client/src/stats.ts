import type { StreamInfo, TrackSource } from '@conclave/protocol';

/** Receive counters of one subscribed remote track. */
export interface MediaStats {
  participantId: string;
  source: TrackSource;
  kind: 'audio' | 'video';
  /** Video frames decoded so far (always 0 for audio). */
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
}

/** The fields of an RTCStats `inbound-rtp` entry this module reads. */
export interface InboundRtpLike {
  type: string;
  mid?: string;
  trackIdentifier?: string;
  framesDecoded?: number;
  packetsReceived?: number;
  bytesReceived?: number;
}

/**
 * Maps the subscriber connection's `inbound-rtp` statistics to participants and sources through the
 * stream list. Every subscribed stream gets an entry, with zeros until its first packet arrives.
 * `midByTrackId` covers browsers whose stats carry no `mid`.
 */
export function collectMediaStats(
  reports: Iterable<InboundRtpLike>,
  streams: readonly StreamInfo[],
  midByTrackId: ReadonlyMap<string, string> = new Map(),
): MediaStats[] {
  const byMid = new Map<string, MediaStats>();
  for (const s of streams) {
    if (byMid.has(s.mid)) continue;
    byMid.set(s.mid, {
      participantId: s.participantId,
      source: s.source,
      kind: s.kind,
      framesDecoded: 0,
      packetsReceived: 0,
      bytesReceived: 0,
    });
  }
  for (const report of reports) {
    if (report.type !== 'inbound-rtp') continue;
    const mid =
      report.mid ??
      (report.trackIdentifier === undefined ? undefined : midByTrackId.get(report.trackIdentifier));
    const entry = mid === undefined ? undefined : byMid.get(mid);
    if (!entry) continue;
    // Several entries for one section (e.g. after an SSRC change): keep the busiest.
    const packets = report.packetsReceived ?? 0;
    if (packets < entry.packetsReceived) continue;
    entry.packetsReceived = packets;
    entry.bytesReceived = report.bytesReceived ?? 0;
    entry.framesDecoded = entry.kind === 'video' ? (report.framesDecoded ?? 0) : 0;
  }
  return [...byMid.values()];
}
