/**
 * Keypad tones in a caller's audio (INTEROP-PSTN): Debian's Janus SIP plugin passes RFC 4733
 * telephone-events on untouched and reports only SIP INFO digits, so the gateway page listens for
 * the tones themselves (docs/sip.md). A Goertzel filter per DTMF frequency over a window of samples:
 * a digit is one row and one column tone, each well above the other tones of its group, together
 * most of the window's energy; it counts once, when it has lasted two windows, and again only after
 * a pause.
 */

const ROWS = [697, 770, 852, 941] as const;
const COLUMNS = [1209, 1336, 1477, 1633] as const;
const KEYS = ['123A', '456B', '789C', '*0#D'] as const;

/** A key's row and column tones in Hz, as a phone sends them; null for what is no key. */
export function tonesOf(key: string): [low: number, high: number] | null {
  const row = KEYS.findIndex((keys) => keys.includes(key));
  if (row < 0 || key.length !== 1) return null;
  return [ROWS[row]!, COLUMNS[KEYS[row]!.indexOf(key)]!];
}

/** The two tones must carry this share of the window's energy at least (speech carries far less). */
const MIN_TONE_SHARE = 0.6;
/** Each tone must be this many times stronger than the next strongest of its group. */
const MIN_GROUP_MARGIN = 4;
/** The weaker tone at least this share of the stronger (a "twist" of about 10 dB). */
const MIN_TWIST = 0.1;
/** Quieter windows are silence, whatever their shape (about -50 dBFS). */
const MIN_MEAN_SQUARE = 1e-5;

/** Goertzel power of `frequency` in `samples`, Hann-windowed. */
function goertzel(samples: Float32Array, window: Float32Array, frequency: number, sampleRate: number) {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = samples[i]! * window[i]! + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

function hann(length: number): Float32Array {
  const w = new Float32Array(length);
  for (let i = 0; i < length; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (length - 1));
  return w;
}

const strongest = (powers: number[]) => {
  const order = powers.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]);
  return { index: order[0]![1], power: order[0]![0], next: order[1]![0] };
};

/** The key whose tones fill one window of samples, or null. */
export function keyOf(
  samples: Float32Array,
  sampleRate: number,
  window = hann(samples.length),
): string | null {
  let energy = 0;
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < samples.length; i++) {
    energy += (samples[i]! * window[i]!) ** 2;
    sum += window[i]!;
    sumOfSquares += window[i]! ** 2;
  }
  const meanSquare = energy / sumOfSquares;
  if (meanSquare < MIN_MEAN_SQUARE) return null;
  // A sine of amplitude A gives a Goertzel power of (A·Σw/2)²: its power A²/2 as a share of the
  // window's mean square (1 for a lone sine, about ½ each for a key's two tones).
  const share = (frequency: number) =>
    (2 * goertzel(samples, window, frequency, sampleRate)) / (sum * sum) / meanSquare;
  const row = strongest(ROWS.map(share));
  const column = strongest(COLUMNS.map(share));
  if (row.power + column.power < MIN_TONE_SHARE) return null;
  if (row.power < MIN_GROUP_MARGIN * row.next || column.power < MIN_GROUP_MARGIN * column.next) return null;
  if (Math.min(row.power, column.power) < MIN_TWIST * Math.max(row.power, column.power)) return null;
  return KEYS[row.index]![column.index]!;
}

/**
 * Turns a stream of windows into key presses: a key is pressed when the same key fills two windows
 * in a row, and released by a window without it.
 */
export class DtmfDetector {
  private candidate: string | null = null;
  private pressed: string | null = null;
  private window: Float32Array | null = null;

  constructor(
    private readonly sampleRate: number,
    private readonly onKey: (key: string) => void,
  ) {}

  /** One window of samples (about 40 ms); windows may overlap. */
  push(samples: Float32Array): void {
    if (this.window?.length !== samples.length) this.window = hann(samples.length);
    const key = keyOf(samples, this.sampleRate, this.window);
    if (key === null) {
      this.candidate = null;
      this.pressed = null;
      return;
    }
    if (key === this.pressed) return;
    if (key === this.candidate) {
      this.pressed = key;
      this.onKey(key);
    } else {
      this.candidate = key;
    }
  }
}
