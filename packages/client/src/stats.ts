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
  /** Size of the video frames now decoded (0 before the first, and for audio): which simulcast layer arrives. */
  frameWidth: number;
  frameHeight: number;
  /** The codec's MIME type, e.g. `audio/opus` or `video/VP8`; empty until known. */
  codec: string;
}

/** The fields of an RTCStats `inbound-rtp` (or `codec`) entry this module reads. */
export interface InboundRtpLike {
  type: string;
  id?: string;
  mid?: string;
  trackIdentifier?: string;
  framesDecoded?: number;
  packetsReceived?: number;
  bytesReceived?: number;
  frameWidth?: number;
  frameHeight?: number;
  codecId?: string;
  mimeType?: string;
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
      frameWidth: 0,
      frameHeight: 0,
      codec: '',
    });
  }
  const all = [...reports];
  const codecs = new Map<string, string>();
  for (const r of all) if (r.type === 'codec' && r.id && r.mimeType) codecs.set(r.id, r.mimeType);
  for (const report of all) {
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
    entry.frameWidth = report.frameWidth ?? 0;
    entry.frameHeight = report.frameHeight ?? 0;
    entry.codec = (report.codecId && codecs.get(report.codecId)) ?? '';
  }
  return [...byMid.values()];
}
