// Recording benchmark (issue 13): what recording a meeting costs with the real product, and how soon the
// file plays after "stop". For each size (default 3 and 8 people), one meeting of lightweight
// publishers (test/e2e/support/crowd.ts: each its own signaling socket over the real protocol, a
// camera-sized canvas and a tone of its own), the owner among them signed in. CPU by process tree over a
// window while nobody records (the baseline), then the owner sends `startRecording` and the server
// launches its recorder (headless Chromium on egress.html) and ffmpeg: CPU over the same window once
// capture is steady. Then `stopRecording`: the time until the recording's row is `ready` and its file
// answers a range request, and the file itself (ffprobe: duration, size, frame rate, gaps; each
// person's tone in the mixed sound).
//
// Environment: BENCH_SIZES (default 3,8), BENCH_WINDOW_S (CPU window, default 30), BENCH_SETTLE_S (wait
// after capture starts before the window, default 5), BENCH_CAMERA (publishers' picture, default
// 640x360), BENCH_CAMERA_FPS (default 25).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type APIRequestContext, type BrowserContext } from 'playwright-core';
import type { RecordingListView, RecordingView, ServerMessage } from '@conclave/protocol';
import { completeSetup, createMeeting, signIn, updateSettings } from '../../test/e2e/support/app';
import { Crowd, type CrowdMedia } from '../../test/e2e/support/crowd';
import { sleep } from '../../test/e2e/support/media';
import { mediaSkipReason } from '../../test/e2e/support/sandbox';
import { TestServer } from '../../test/e2e/support/server';
import { machine, median, report, round } from '../report';
import { cpuBetween, sampleCpu, type CpuWindow } from './processes';

const SIZES = (process.env.BENCH_SIZES ?? '3,8').split(',').map(Number);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 30);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S ?? 5);
const [CAMERA_W, CAMERA_H] = (process.env.BENCH_CAMERA ?? '640x360').split('x').map(Number) as [
  number,
  number,
];
const CAMERA_FPS = Number(process.env.BENCH_CAMERA_FPS ?? 25);
/** Each person's tone: 200 + n × 40 Hz at gain 0.05 (about −26 dBFS), far enough apart to tell. */
const MEDIA: CrowdMedia = {
  width: CAMERA_W,
  height: CAMERA_H,
  fps: CAMERA_FPS,
  voiced: 100,
  gain: 0.05,
  toneStepHz: 40,
};
const toneHz = (n: number) => 200 + n * MEDIA.toneStepHz;
/** The recorder's composite frame rate (apps/web/src/egress/main.ts). */
const RECORDER_FPS = 25;

interface FileFacts {
  sizeBytes: number;
  durationS: number;
  video: {
    codec: string;
    width: number;
    height: number;
    avgFrameRate: number | null;
    packets: number;
    /** Frames per second over the whole file and over the measured steady part (from packets' times). */
    fps: number;
    steadyFps: number;
    /** The longest time between two frames, and how many gaps were over 200 ms (a stall). */
    maxGapMs: number;
    gapsOver200ms: number;
    keyframes: number;
  } | null;
  audio: {
    codec: string;
    sampleRate: number;
    channels: number;
    /** The longest time between two audio packets (AAC: about 21 ms each). */
    maxGapMs: number;
    /** Each person's tone in the mix over the steady part: amplitude, and against the quietest between tones. */
    tones: Array<{
      person: number;
      hz: number;
      amplitude: number;
      /**
       * The median of its amplitude in each second: the tone's level. Lower `amplitude` over the whole
       * part than this means its phase jumped (the sound was stretched, cut or doubled), not its level.
       */
      amplitudePerSecond: number;
      heard: boolean;
      /** Of the steady part's seconds, in how many this tone was heard (it should be all). */
      secondsHeard: number;
    }>;
    /** The steady part's whole seconds, over which `secondsHeard` is counted. */
    seconds: number;
    heard: number;
    /** Between-tone amplitude: the noise floor the tones are read against. */
    floor: number;
    /** RMS of each second of the steady part: the sound does not drop out. */
    rmsPerSecond: { min: number; median: number; max: number; quietSeconds: number };
  } | null;
}

interface SizeResult {
  people: number;
  /** The crowd's join and publish, ms. */
  joinedMs: number;
  /** No recording: the same meeting, the same window. */
  baseline: CpuWindow;
  /** `startRecording` sent → `recordingChanged` with the notice (the recorder's page records). */
  startMs: number | null;
  recording: CpuWindow | null;
  /** Recorder + ffmpeg, and what the server and Janus took more than in the baseline, % of one core. */
  recordingCost: {
    recorderAndFfmpeg: number;
    serverMore: number;
    janusMore: number;
    total: number;
  } | null;
  stop: {
    /** `stopRecording` sent → `recordingChanged` null (the server says so once the output is final). */
    noticeMs: number | null;
    /** → the row in GET /api/recordings says `ready`. */
    readyMs: number | null;
    /** → GET …/media with a Range answers 206 (or 200). */
    playableMs: number | null;
    playableStatus: number | null;
  } | null;
  file: FileFacts | null;
  error: string | null;
}

/** Playwright's request context shaped as the e2e helpers want a browser context (they use `.request`). */
const asContext = (api: APIRequestContext) => ({ request: api }) as unknown as BrowserContext;

async function list(api: APIRequestContext, server: TestServer): Promise<RecordingView[]> {
  const res = await api.get(`${server.url}/api/recordings`);
  if (res.status() !== 200) throw new Error(`GET /api/recordings: ${res.status()}`);
  return ((await res.json()) as RecordingListView).recordings;
}

function expectNotice(reply: ServerMessage | null, on: boolean, what: string): void {
  if (!reply) throw new Error(`${what}: no answer`);
  if (reply.type === 'error') throw new Error(`${what}: ${reply.code} ${reply.message}`);
  if (reply.type !== 'recordingChanged' || (reply.recording !== null) !== on)
    throw new Error(`${what}: unexpected ${JSON.stringify(reply)}`);
}

async function measureSize(
  people: number,
  server: TestServer,
  admin: APIRequestContext,
  scratch: string,
): Promise<SizeResult> {
  const result: SizeResult = {
    people,
    joinedMs: 0,
    baseline: null as unknown as CpuWindow,
    startMs: null,
    recording: null,
    recordingCost: null,
    stop: null,
    file: null,
    error: null,
  };
  const meeting = await createMeeting(asContext(admin), server, `Recording benchmark, ${people} people`);
  // The owner is one of the people: a member of a crowd of its own, signed in (a crowd's members share
  // its browser context, so its cookies); the others are guests.
  const owner = await Crowd.open(server, meeting.id, {
    media: MEDIA,
    prepare: async (context) => void (await signIn(context, server)),
    signedIn: true,
  });
  const guests = people > 1 ? await Crowd.open(server, meeting.id, { media: MEDIA, firstNumber: 2 }) : null;
  try {
    const joinedAt = performance.now();
    await owner.grow(1);
    await guests?.grow(people - 1);
    result.joinedMs = Math.round(performance.now() - joinedAt);
    const ownerId = (await owner.members())[0]!.id;
    console.error(`[bench] ${people} people in the meeting (${result.joinedMs} ms)`);

    await sleep(SETTLE_S * 1000);
    const b0 = sampleCpu(server.pid);
    await sleep(WINDOW_S * 1000);
    result.baseline = cpuBetween(b0, sampleCpu(server.pid));

    const startAt = performance.now();
    expectNotice(
      await owner.request(ownerId, { type: 'startRecording', rid: 'start' }, ['recordingChanged'], 90_000),
      true,
      'startRecording',
    );
    result.startMs = Math.round(performance.now() - startAt);
    const row = (await list(admin, server)).find((r) => r.meetingId === meeting.id);
    if (!row) throw new Error('the recording is not in GET /api/recordings');
    console.error(`[bench]   recording (started in ${result.startMs} ms)`);

    await sleep(SETTLE_S * 1000);
    const r0 = sampleCpu(server.pid);
    await sleep(WINDOW_S * 1000);
    const rec = cpuBetween(r0, sampleCpu(server.pid));
    result.recording = rec;
    const recorderAndFfmpeg = rec.percent.recorder + rec.percent.ffmpeg;
    const serverMore = rec.percent.server - result.baseline.percent.server;
    const janusMore = rec.percent.janus - result.baseline.percent.janus;
    result.recordingCost = {
      recorderAndFfmpeg: round(recorderAndFfmpeg, 1),
      serverMore: round(serverMore, 1),
      janusMore: round(janusMore, 1),
      total: round(recorderAndFfmpeg + serverMore + janusMore, 1),
    };

    // Stop: the notice, the row turning ready and the file answering, each timed from the request.
    const stopAt = performance.now();
    const since = () => Math.round(performance.now() - stopAt);
    const stop: NonNullable<SizeResult['stop']> = {
      noticeMs: null,
      readyMs: null,
      playableMs: null,
      playableStatus: null,
    };
    result.stop = stop;
    const notice = owner
      .request(ownerId, { type: 'stopRecording', rid: 'stop' }, ['recordingChanged'], 120_000)
      .then((reply) => {
        stop.noticeMs = since();
        expectNotice(reply, false, 'stopRecording');
      });
    const playable = (async () => {
      for (;;) {
        const now = (await list(admin, server)).find((r) => r.id === row.id);
        if (now?.status === 'failed') throw new Error('the recording failed');
        if (now?.status === 'ready') break;
        if (since() > 120_000) throw new Error('the recording was not ready 120 s after stop');
        await sleep(25);
      }
      stop.readyMs = since();
      const res = await admin.get(`${server.url}${row.mediaUrl}`, { headers: { range: 'bytes=0-65535' } });
      stop.playableMs = since();
      stop.playableStatus = res.status();
      if (res.status() !== 206 && res.status() !== 200)
        throw new Error(`GET ${row.mediaUrl}: ${res.status()}`);
    })();
    await Promise.all([notice, playable]);
    console.error(
      `[bench]   stopped: notice ${stop.noticeMs} ms, ready ${stop.readyMs} ms, playable ${stop.playableMs} ms`,
    );

    // Leave before the file is examined, so that ffmpeg's work below is not in anyone's way.
    await guests?.stop();
    await owner.stop();
    const file = await admin.get(`${server.url}${row.mediaUrl}`);
    if (file.status() !== 200) throw new Error(`GET ${row.mediaUrl}: ${file.status()}`);
    const path = join(scratch, `recording-${people}.mp4`);
    await writeFile(path, await file.body());
    result.file = examine(path, people);
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    await guests?.stop();
    await owner.stop();
  }
  return result;
}

function run(command: string, args: string[]): Buffer {
  const r = spawnSync(command, args, { maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr.toString().trim()}`);
  return r.stdout;
}

/** Packets' times of one stream (ffprobe, without decoding), and whether each is a keyframe. */
function packets(path: string, stream: 'v:0' | 'a:0'): Array<{ t: number; key: boolean }> {
  return run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    stream,
    '-show_entries',
    'packet=pts_time,flags',
    '-of',
    'csv=p=0',
    path,
  ])
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.split(','))
    .filter(([t]) => t !== undefined && t !== '' && t !== 'N/A')
    .map(([t, flags]) => ({ t: Number(t), key: (flags ?? '').includes('K') }))
    .sort((a, b) => a.t - b.t);
}

function maxGapMs(times: number[]): { max: number; over200: number } {
  let max = 0;
  let over200 = 0;
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i]! - times[i - 1]!) * 1000;
    max = Math.max(max, gap);
    if (gap > 200) over200++;
  }
  return { max: Math.round(max), over200 };
}

/** The amplitude of one frequency in the samples (Goertzel). */
function toneAmplitude(samples: Float32Array, hz: number, rate: number): number {
  const w = (2 * Math.PI * hz) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const v of samples) {
    const s = v + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  const re = s1 - s2 * Math.cos(w);
  const im = s2 * Math.sin(w);
  return (2 * Math.sqrt(re * re + im * im)) / samples.length;
}

function examine(path: string, people: number): FileFacts {
  const probe = JSON.parse(
    run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration,size:stream=codec_type,codec_name,width,height,avg_frame_rate,sample_rate,channels',
      '-of',
      'json',
      path,
    ]).toString(),
  ) as {
    format: { duration?: string; size?: string };
    streams: Array<{
      codec_type: string;
      codec_name: string;
      width?: number;
      height?: number;
      avg_frame_rate?: string;
      sample_rate?: string;
      channels?: number;
    }>;
  };
  const durationS = Number(probe.format.duration ?? NaN);
  const steadyFrom = SETTLE_S;
  const steadyTo = durationS - 1;
  const facts: FileFacts = {
    sizeBytes: Number(probe.format.size ?? 0),
    durationS: round(durationS, 2),
    video: null,
    audio: null,
  };
  const v = probe.streams.find((s) => s.codec_type === 'video');
  if (v) {
    const frames = packets(path, 'v:0');
    const times = frames.map((f) => f.t);
    const steady = times.filter((t) => t >= steadyFrom && t <= steadyTo);
    const gaps = maxGapMs(times);
    const [num, den] = (v.avg_frame_rate ?? '0/0').split('/').map(Number) as [number, number];
    facts.video = {
      codec: v.codec_name,
      width: v.width ?? 0,
      height: v.height ?? 0,
      avgFrameRate: den ? round(num / den, 2) : null,
      packets: frames.length,
      fps: times.length > 1 ? round((times.length - 1) / (times.at(-1)! - times[0]!), 2) : 0,
      steadyFps: steady.length > 1 ? round((steady.length - 1) / (steady.at(-1)! - steady[0]!), 2) : 0,
      maxGapMs: gaps.max,
      gapsOver200ms: gaps.over200,
      keyframes: frames.filter((f) => f.key).length,
    };
  }
  const a = probe.streams.find((s) => s.codec_type === 'audio');
  if (a) {
    const rate = 16_000;
    const pcm = run('ffmpeg', [
      '-v',
      'error',
      '-ss',
      String(steadyFrom),
      '-to',
      String(Math.max(steadyFrom + 1, steadyTo)),
      '-i',
      path,
      '-ac',
      '1',
      '-ar',
      String(rate),
      '-f',
      's16le',
      'pipe:1',
    ]);
    const samples = new Float32Array(pcm.length / 2);
    for (let i = 0; i < samples.length; i++) samples[i] = pcm.readInt16LE(i * 2) / 32768;
    const floor = Math.max(
      ...Array.from({ length: people + 1 }, (_, i) =>
        toneAmplitude(samples, toneHz(i) + MEDIA.toneStepHz / 2, rate),
      ),
    );
    const threshold = Math.max(0.002, 10 * floor);
    const seconds = Math.floor(samples.length / rate);
    const tones = Array.from({ length: people }, (_, i) => {
      const hz = toneHz(i + 1);
      const amplitude = toneAmplitude(samples, hz, rate);
      const perSecond = Array.from({ length: seconds }, (_, s) =>
        toneAmplitude(samples.subarray(s * rate, (s + 1) * rate), hz, rate),
      );
      return {
        person: i + 1,
        hz,
        amplitude: round(amplitude, 4),
        amplitudePerSecond: round(median(perSecond), 4),
        heard: amplitude > threshold,
        secondsHeard: perSecond.filter((a) => a > threshold).length,
      };
    });
    const rms: number[] = [];
    for (let s = 0; s + rate <= samples.length; s += rate) {
      let sum = 0;
      for (let i = s; i < s + rate; i++) sum += samples[i]! ** 2;
      rms.push(Math.sqrt(sum / rate));
    }
    const sorted = [...rms].sort((x, y) => x - y);
    const mid = sorted[Math.floor(sorted.length / 2)] ?? 0;
    facts.audio = {
      codec: a.codec_name,
      sampleRate: Number(a.sample_rate ?? 0),
      channels: a.channels ?? 0,
      maxGapMs: maxGapMs(packets(path, 'a:0').map((p) => p.t)).max,
      tones,
      seconds,
      heard: tones.filter((t) => t.heard).length,
      floor: round(floor, 5),
      rmsPerSecond: {
        min: round(sorted[0] ?? 0, 4),
        median: round(mid, 4),
        max: round(sorted.at(-1) ?? 0, 4),
        quietSeconds: rms.filter((x) => x < mid / 3).length,
      },
    };
  }
  return facts;
}

async function main(): Promise<number> {
  const skip = mediaSkipReason();
  if (skip) {
    console.error(`[bench] ${skip}`);
    return 1;
  }
  const server = await TestServer.start({
    web: 'production',
    env: {
      CONCLAVE_LOG_LEVEL: 'warn',
      CONCLAVE_SOCKETS_PER_ADDRESS: '1000',
      CONCLAVE_GUESTS_PER_ADDRESS: '1000',
    },
  });
  const admin = await request.newContext();
  const scratch = await mkdtemp(join(tmpdir(), 'conclave-bench-recording-'));
  const sizes: SizeResult[] = [];
  let error: string | null = null;
  try {
    await completeSetup(server);
    await signIn(asContext(admin), server);
    await updateSettings(asContext(admin), server, { recording: { enabled: true } });
    for (const people of SIZES) {
      const r = await measureSize(people, server, admin, scratch);
      sizes.push(r);
      if (r.error) console.error(`[bench]   ${people} people: FAILED: ${r.error}`);
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  } finally {
    await admin.dispose();
    await server.stop();
    await rm(scratch, { recursive: true, force: true });
  }
  const chromium = spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const ffmpeg = spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? '';
  const result = {
    benchmark: 'recording',
    description:
      'a meeting of N lightweight publishers (camera-sized canvas, a tone each), the owner signed in: CPU by process tree (% of one core) over a window not recorded, then recorded by the server (headless Chromium recorder + ffmpeg); stop → recording ready and its file answering; the file by ffprobe',
    date: new Date().toISOString(),
    workload: {
      sizes: SIZES,
      windowS: WINDOW_S,
      settleS: SETTLE_S,
      publishers: `${CAMERA_W}x${CAMERA_H} @ ${CAMERA_FPS} fps canvas, one VP8 layer, tone 200 + 40n Hz at gain ${MEDIA.gain}, in a Chromium at nice 10`,
      recorderFps: RECORDER_FPS,
    },
    sizes,
    error,
    machine: { ...machine(chromium), ffmpeg },
  };
  const line = (s: SizeResult) => {
    if (!s.recording || !s.recordingCost) return `${s.people} people: FAILED ${s.error}`;
    const f = s.file;
    const v = f?.video;
    return (
      `${s.people} people: recorder ${s.recording.percent.recorder} % + ffmpeg ${s.recording.percent.ffmpeg} % of a core ` +
      `(Janus ${s.baseline.percent.janus} → ${s.recording.percent.janus} %, server ${s.baseline.percent.server} → ${s.recording.percent.server} %, ` +
      `machine ${s.recording.machineBusyPercent} % busy, ${s.recording.notOursPercent} % of a core not ours), stop → playable ${s.stop?.playableMs ?? 'n/a'} ms, ` +
      `${f ? `${f.durationS} s ${round(f.sizeBytes / 1e6, 1)} MB` : 'no file'}` +
      `${v ? ` ${v.steadyFps} fps (max gap ${v.maxGapMs} ms)` : ''}` +
      `${f?.audio ? `, ${f.audio.heard} of ${s.people} voices` : ''}` +
      `${s.error ? `; FAILED: ${s.error}` : ''}`
    );
  };
  await report(
    'recording',
    result,
    `recording: ${sizes.map(line).join('; ')}${error ? `; FAILED: ${error}` : ''}`,
  );
  return error || sizes.some((s) => s.error) ? 1 : 0;
}

process.exitCode = await main();
