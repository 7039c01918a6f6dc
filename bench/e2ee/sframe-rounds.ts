// The measurement of bench/e2ee/sframe-throughput.mjs, the same in a Node worker thread (worker.ts)
// and in a Chromium worker (chromium-worker.ts): the same frames through Conclave's frame layer (a
// sending and a receiving key ring) and through bare WebCrypto AES-GCM, round by round in
// alternation, so that load from anything else on the machine falls on both alike.
import { MEDIA_BASE_KEY_LENGTH, MediaKeyRing } from '../../packages/e2ee/src/index';

export interface Workload {
  rounds: number;
  framesPerRound: number;
  keyFrameBytes: number;
  deltaFrameBytes: number;
  /** One key frame, then this many minus one delta frames. */
  keyFrameEvery: number;
}

interface PathResult {
  /** Frame bytes per second, each frame encrypted then decrypted, per measured round. */
  roundsMBps: number[];
  medianMBps: number;
  framesPerSecond: number;
}

export interface WorkerResult {
  conclave: PathResult;
  raw: PathResult;
  /** The frame layer's time over raw AES-GCM's, inverted, per pair of consecutive rounds: the median. */
  medianRoundRatio: number;
  /** Frames the frame layer failed to open: anything but 0 means the measurement is void. */
  failures: number;
}

/** Random bytes: WebCrypto hands out at most 64 KiB at a time. */
function random(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 65_536)
    globalThis.crypto.getRandomValues(out.subarray(at, at + 65_536));
  return out;
}

function frames(workload: Workload): Uint8Array<ArrayBuffer>[] {
  return Array.from({ length: workload.framesPerRound }, (_, i) => {
    const key = i % workload.keyFrameEvery === 0;
    const frame = random(key ? workload.keyFrameBytes : workload.deltaFrameBytes);
    frame[0] = key ? 0x50 : 0x51; // VP8 frame tag: bit 0 clear on key frames
    return frame;
  });
}

function conclavePath(): { run: (fs: Uint8Array[]) => Promise<void>; failures: () => number } {
  const baseKey = random(MEDIA_BASE_KEY_LENGTH);
  const [sender, receiver] = [0, 1].map((senderIndex) => {
    const ring = new MediaKeyRing({ senderIndex });
    ring.install(1n, baseKey);
    ring.activate(1n);
    return ring;
  });
  const camera = sender!.encryptor('camera');
  let failures = 0;
  return {
    run: async (fs) => {
      for (const frame of fs) {
        const sent = await camera.encrypt('vp8', frame);
        const received = sent && (await receiver!.decrypt('vp8', sent));
        if (!received?.ok || received.frame.length !== frame.length) failures++;
      }
    },
    failures: () => failures,
  };
}

async function rawPath(): Promise<(fs: Uint8Array<ArrayBuffer>[]) => Promise<void>> {
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.importKey('raw', random(16), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(12);
  const view = new DataView(iv.buffer);
  let counter = 0;
  return async (fs) => {
    for (const frame of fs) {
      view.setUint32(8, counter++);
      const sealed = await subtle.encrypt({ name: 'AES-GCM', iv }, key, frame);
      await subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed);
    }
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function summary(workload: Workload, seconds: number[], bytes: number): PathResult {
  const mbps = seconds.map((s) => Math.round(bytes / s / 1e5) / 10);
  const total = seconds.reduce((a, b) => a + b, 0);
  return {
    roundsMBps: mbps,
    medianMBps: median(mbps),
    framesPerSecond: Math.round((workload.framesPerRound * seconds.length) / total),
  };
}

/** Runs the workload's rounds, one unmeasured warm-up round each first. */
export async function measureSFrame(workload: Workload): Promise<WorkerResult> {
  const input = frames(workload);
  const bytes = input.reduce((n, f) => n + f.length, 0);
  const conclave = conclavePath();
  const raw = await rawPath();
  const seconds = { conclave: [] as number[], raw: [] as number[] };
  // One unmeasured warm-up round each (JIT, key derivation), then alternate.
  for (let round = -1; round < workload.rounds; round++) {
    for (const [name, run] of [
      ['conclave', conclave.run],
      ['raw', raw],
    ] as const) {
      const start = performance.now();
      await run(input);
      if (round >= 0) seconds[name].push((performance.now() - start) / 1000);
    }
  }
  const result: WorkerResult = {
    conclave: summary(workload, seconds.conclave, bytes),
    raw: summary(workload, seconds.raw, bytes),
    medianRoundRatio: Math.round(median(seconds.raw.map((s, i) => s / seconds.conclave[i]!)) * 100) / 100,
    failures: conclave.failures(),
  };
  return result;
}
