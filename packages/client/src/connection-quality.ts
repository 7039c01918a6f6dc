/**
 * How well a participant's media gets through, from the browser's stats (MEET-QUALITY): for a
 * remote participant what this client receives of them, for the local one what the media server
 * reports receiving from it. `unknown` until there is something to judge (e.g. everything muted).
 */
export type ConnectionQuality = 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';

/** One participant's link over the last stats interval. */
export interface LinkSample {
  /** Packets expected in the interval: none means there was nothing to judge. */
  expected: number;
  /** Of those, how many arrived (received, or for the local participant: sent). */
  arrived: number;
  /** Lost of expected, 0..1. */
  loss: number;
  jitterMs: number;
  /** Round trip to the media server, when known. */
  rttMs: number | null;
  /** Frames per second of its video, when it sends some. */
  fps: number | null;
}

/**
 * The rule: nothing arrived of what was expected → lost; more than 10 % loss, RTT above 500 ms or
 * jitter above 100 ms → poor; more than 2 % loss, RTT above 250 ms, jitter above 30 ms or video
 * under 10 frames/s → good; otherwise excellent.
 */
export function classifyQuality(s: LinkSample): ConnectionQuality {
  if (s.expected <= 0) return 'unknown';
  if (s.arrived <= 0) return 'lost';
  const rtt = s.rttMs ?? 0;
  if (s.loss > 0.1 || rtt > 500 || s.jitterMs > 100) return 'poor';
  if (s.loss > 0.02 || rtt > 250 || s.jitterMs > 30 || (s.fps !== null && s.fps < 10)) return 'good';
  return 'excellent';
}

/** The fields of RTCStats entries this module reads. */
export interface RtpStatsLike {
  type: string;
  id?: string;
  kind?: string;
  mid?: string;
  ssrc?: number;
  packetsReceived?: number;
  packetsLost?: number;
  packetsSent?: number;
  jitter?: number;
  framesPerSecond?: number;
  roundTripTime?: number;
  fractionLost?: number;
  currentRoundTripTime?: number;
  availableIncomingBitrate?: number;
  state?: string;
  nominated?: boolean;
}

interface Counters {
  received: number;
  lost: number;
}

/** A received stream and whose it is. */
export interface StreamOwner {
  mid: string;
  participantId: string;
  kind: 'audio' | 'video';
}

/** What one look at the subscriber connection's stats says. */
export interface ReceiveSample {
  byParticipant: Map<string, LinkSample>;
  /** Loss on received video over the interval, 0..1 (for the bandwidth rule). */
  videoLoss: number;
  availableIncomingBitrate?: number;
}

/** Turns successive subscriber stats into per-interval samples per remote participant. */
export class ReceiveQuality {
  private last = new Map<string, Counters>();

  sample(reports: Iterable<RtpStatsLike>, streams: readonly StreamOwner[]): ReceiveSample {
    const owner = new Map(streams.map((s) => [s.mid, s]));
    const all = [...reports];
    const pair = selectedPair(all);
    const rttMs = pair?.currentRoundTripTime === undefined ? null : pair.currentRoundTripTime * 1000;
    const byParticipant = new Map<string, LinkSample>();
    const next = new Map<string, Counters>();
    let videoExpected = 0;
    let videoLost = 0;
    for (const r of all) {
      if (r.type !== 'inbound-rtp' || r.mid === undefined) continue;
      const stream = owner.get(r.mid);
      if (!stream) continue;
      const now = { received: r.packetsReceived ?? 0, lost: Math.max(0, r.packetsLost ?? 0) };
      const key = `${r.mid}/${r.ssrc ?? ''}`;
      next.set(key, now);
      const before = this.last.get(key);
      // The first look only sets the baseline; a counter that went back is a new stream.
      if (!before || now.received < before.received) continue;
      const arrived = now.received - before.received;
      const lost = Math.max(0, now.lost - before.lost);
      const s = byParticipant.get(stream.participantId) ?? emptySample(rttMs);
      s.expected += arrived + lost;
      s.arrived += arrived;
      s.jitterMs = Math.max(s.jitterMs, (r.jitter ?? 0) * 1000);
      if (stream.kind === 'video' && r.framesPerSecond !== undefined) {
        s.fps = Math.max(s.fps ?? 0, r.framesPerSecond);
      }
      byParticipant.set(stream.participantId, s);
      if (stream.kind === 'video') {
        videoExpected += arrived + lost;
        videoLost += lost;
      }
    }
    this.last = next;
    for (const s of byParticipant.values()) s.loss = s.expected > 0 ? 1 - s.arrived / s.expected : 0;
    return {
      byParticipant,
      videoLoss: videoExpected > 0 ? videoLost / videoExpected : 0,
      ...(pair?.availableIncomingBitrate !== undefined && {
        availableIncomingBitrate: pair.availableIncomingBitrate,
      }),
    };
  }
}

/**
 * The local participant's link from the publisher connection's stats: what the media server says
 * it received (remote-inbound-rtp: fraction lost, jitter, round trip) and the camera's frame rate.
 */
export class SendQuality {
  private lastSent = new Map<string, number>();

  sample(reports: Iterable<RtpStatsLike>): LinkSample {
    const all = [...reports];
    const s = emptySample(null);
    const next = new Map<string, number>();
    for (const r of all) {
      if (r.type === 'outbound-rtp') {
        const key = r.id ?? `${r.ssrc ?? ''}`;
        const sent = r.packetsSent ?? 0;
        next.set(key, sent);
        const before = this.lastSent.get(key);
        if (before !== undefined && sent >= before) {
          s.expected += sent - before;
          s.arrived += sent - before;
        }
        if (r.kind === 'video' && r.framesPerSecond !== undefined)
          s.fps = Math.max(s.fps ?? 0, r.framesPerSecond);
      } else if (r.type === 'remote-inbound-rtp') {
        s.loss = Math.max(s.loss, r.fractionLost ?? 0);
        s.jitterMs = Math.max(s.jitterMs, (r.jitter ?? 0) * 1000);
        if (r.roundTripTime !== undefined) s.rttMs = Math.max(s.rttMs ?? 0, r.roundTripTime * 1000);
      }
    }
    // The first look only sets the baseline.
    if (this.lastSent.size === 0) s.expected = 0;
    this.lastSent = next;
    return s;
  }
}

function emptySample(rttMs: number | null): LinkSample {
  return { expected: 0, arrived: 0, loss: 0, jitterMs: 0, rttMs, fps: null };
}

function selectedPair(all: readonly RtpStatsLike[]): RtpStatsLike | undefined {
  const pairs = all.filter((r) => r.type === 'candidate-pair' && r.state === 'succeeded');
  return pairs.find((p) => p.nominated) ?? pairs[0];
}
