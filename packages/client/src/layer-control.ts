import { Debounce, type DebounceOptions } from './debounce';
import { LAYER_BITRATE, lowerQuality, SUBSTREAM_OF, VIDEO_QUALITIES, type VideoQuality } from './simulcast';

/** One received camera's layer, as `setVideoLayers` names it. */
export interface LayerRequest {
  mid: string;
  substream: number;
  temporal: number;
}

/** Without a tile size from the page: the full layer for a few cameras, the half one beyond. */
const DEFAULT_FULL_LAYER_UP_TO = 4;
/** Layer wishes settle this long before they go out (a tile being resized reports many sizes). */
const LAYER_DEBOUNCE_MS = 300;
/** Full frame rate; the lowest temporal layer only when even the lowest layers do not fit. */
const FULL_RATE = 2;
const LOWEST_RATE = 0;

export interface LayerControlOptions extends DebounceOptions {
  /** Sends the changed choices; a failure makes them go out again with the next change. */
  send(layers: LayerRequest[]): Promise<void>;
}

/**
 * Decides which simulcast layer of each received camera this client asks the server for: what its
 * tile needs (`want`), never above what the bandwidth carries (`setCeiling`). Choices are debounced
 * and only changes are sent.
 */
export class LayerControl {
  /** By subscriber mid: the tile's wish, or null where the page said nothing. */
  private readonly wishes = new Map<string, VideoQuality | null>();
  private readonly sent = new Map<string, string>();
  private ceiling: VideoQuality = 'high';
  private starved = false;
  private readonly debounce: Debounce;

  constructor(private readonly options: LayerControlOptions) {
    this.debounce = new Debounce(() => void this.flush(), options.debounceMs ?? LAYER_DEBOUNCE_MS, options);
  }

  /** A received camera on `mid` and the layer its tile needs (null: no size known). */
  want(mid: string, quality: VideoQuality | null): void {
    this.wishes.set(mid, quality);
    this.debounce.schedule(true);
  }

  /** The camera on `mid` is no longer received. */
  forget(mid: string): void {
    this.wishes.delete(mid);
    this.sent.delete(mid);
  }

  /** A new subscription (another session): nothing it carries has been asked for yet. */
  reset(): void {
    this.sent.clear();
    this.wishes.clear();
    this.debounce.cancel();
  }

  /**
   * The highest layer the bandwidth carries; `starved`: not even the lowest layers at full frame
   * rate do (then the lowest frame rate is asked for too).
   */
  setCeiling(ceiling: VideoQuality, starved = false): void {
    if (ceiling === this.ceiling && starved === this.starved) return;
    this.ceiling = ceiling;
    this.starved = starved;
    this.debounce.schedule(true);
  }

  /** What each received camera gets now, by mid. */
  choices(): Map<string, VideoQuality> {
    const fallback: VideoQuality = this.wishes.size <= DEFAULT_FULL_LAYER_UP_TO ? 'high' : 'medium';
    const out = new Map<string, VideoQuality>();
    for (const [mid, wish] of this.wishes) out.set(mid, lowerQuality(wish ?? fallback, this.ceiling));
    return out;
  }

  /** The wishes as the bandwidth would have them: what all of them together cost at most, in bit/s. */
  cost(ceiling: VideoQuality = 'high'): number {
    let total = 0;
    for (const wish of this.wishes.values()) total += LAYER_BITRATE[lowerQuality(wish ?? 'high', ceiling)];
    return total;
  }

  close(): void {
    this.debounce.cancel();
    this.wishes.clear();
  }

  private async flush(): Promise<void> {
    const temporal = this.starved ? LOWEST_RATE : FULL_RATE;
    const changed: LayerRequest[] = [];
    for (const [mid, quality] of this.choices()) {
      const request = { mid, substream: SUBSTREAM_OF[quality], temporal };
      const key = `${request.substream}/${request.temporal}`;
      if (this.sent.get(mid) === key) continue;
      this.sent.set(mid, key);
      changed.push(request);
    }
    if (changed.length === 0) return;
    try {
      await this.options.send(changed);
    } catch {
      for (const r of changed) this.sent.delete(r.mid);
    }
  }
}

/** One look at how the received media fares, over the last stats interval. */
export interface BandwidthSample {
  /** The browser's estimate of what the subscriber connection can receive (bit/s), when it gives one. */
  availableIncomingBitrate?: number;
  /** Packets lost of those expected on received video in the interval, 0..1. */
  videoLoss: number;
}

/** Loss above this steps the ceiling down one layer per interval. */
const LOSS_STEP_DOWN = 0.1;
/** Loss below this for `CLEAN_INTERVALS_TO_STEP_UP` intervals in a row lets the ceiling up a layer. */
const LOSS_CLEAN = 0.02;
export const CLEAN_INTERVALS_TO_STEP_UP = 5;
/** Of the estimated incoming bandwidth, what the cameras may take (audio and headroom keep the rest). */
const BANDWIDTH_SHARE = 0.85;

/**
 * The bandwidth rule: the ceiling is the highest layer whose choices all together fit within 85 %
 * of the estimated incoming bandwidth (where the browser estimates it); on top of that, more than
 * 10 % loss in an interval lowers it one layer, and five clean intervals (under 2 %) raise it one.
 */
export class BandwidthCeiling {
  private lossCeiling: VideoQuality = 'high';
  private clean = 0;

  /** `cost(q)`: what the received cameras cost at most with the ceiling at `q`. */
  update(
    sample: BandwidthSample,
    cost: (ceiling: VideoQuality) => number,
  ): { ceiling: VideoQuality; starved: boolean } {
    if (sample.videoLoss > LOSS_STEP_DOWN) {
      this.clean = 0;
      this.lossCeiling = step(this.lossCeiling, -1);
    } else if (sample.videoLoss < LOSS_CLEAN) {
      this.clean++;
      if (this.clean >= CLEAN_INTERVALS_TO_STEP_UP) {
        this.clean = 0;
        this.lossCeiling = step(this.lossCeiling, 1);
      }
    } else {
      this.clean = 0;
    }
    let ceiling = this.lossCeiling;
    let starved = false;
    const available = sample.availableIncomingBitrate;
    if (available !== undefined && available > 0) {
      const budget = available * BANDWIDTH_SHARE;
      while (ceiling !== 'low' && cost(ceiling) > budget) ceiling = step(ceiling, -1);
      starved = cost('low') > budget;
    }
    return { ceiling, starved };
  }
}

function step(q: VideoQuality, by: 1 | -1): VideoQuality {
  const i = Math.min(VIDEO_QUALITIES.length - 1, Math.max(0, VIDEO_QUALITIES.indexOf(q) + by));
  return VIDEO_QUALITIES[i] as VideoQuality;
}
