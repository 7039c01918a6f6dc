/**
 * The page of watermark.test.ts (bundled by support/page-server.ts): the fake camera, watermarked with
 * watermarkTrack(), sent over a real RTCPeerConnection pair in this page (VP8) and decoded into a
 * <video>; plus the probes the test reads. Everything it offers is on `window.watermarkPage`.
 */
import { watermarkTrack, type Watermark } from '../../../packages/client/src/e2ee/watermark';
import { measureBand } from '../../../packages/client/src/e2ee/watermark-band';
import { FrameStamper } from '../../../packages/client/src/e2ee/watermark-stamp';
import { stampVariants } from './watermark-formats';

export interface Grab {
  width: number;
  height: number;
  /**
   * The lower half of the picture (rows `lowerFrom` to the bottom) as a PNG, base64: the band and as
   * much of the picture above it. Tesseract's page layout analysis, given the whole frame, now and then
   * found no text at all in a frame where the lower half alone reads at once (the fake camera's shapes).
   */
  lowerPng: string;
  lowerFrom: number;
  /** Per row, the median luma (0–255): the band's rows are dark whatever the text. */
  rowMedians: number[];
}

interface FrameCount {
  frames: number;
  width: number;
  height: number;
}

interface Call {
  camera: MediaStreamTrack;
  mark: Watermark;
  sender: RTCPeerConnection;
  receiver: RTCPeerConnection;
  remote: HTMLVideoElement;
  preview: HTMLVideoElement;
}

let call: Call | undefined;

function current(): Call {
  if (!call) throw new Error('no call: start() first');
  return call;
}

async function openCamera(width: number, height: number): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { exact: width }, height: { exact: height }, frameRate: { ideal: 30 } },
  });
  const camera = stream.getVideoTracks()[0];
  if (!camera) throw new Error('no camera track');
  // As the SDK opens it (devices.ts).
  camera.contentHint = 'motion';
  return camera;
}

function videoOf(track: MediaStreamTrack): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  document.body.append(video);
  return video;
}

/**
 * The camera at `width`×`height`, watermarked with `text`, sent as VP8 from one connection to another.
 * Hangs up a call already running first (one camera, one size at a time).
 */
async function start(width: number, height: number, text: string): Promise<void> {
  hangUp();
  const camera = await openCamera(width, height);
  const mark = watermarkTrack(camera, text);
  const sender = new RTCPeerConnection();
  const receiver = new RTCPeerConnection();
  sender.onicecandidate = (e) => void (e.candidate && receiver.addIceCandidate(e.candidate));
  receiver.onicecandidate = (e) => void (e.candidate && sender.addIceCandidate(e.candidate));
  const transceiver = sender.addTransceiver(mark.track, { direction: 'sendonly' });
  const vp8 = (RTCRtpSender.getCapabilities('video')?.codecs ?? []).filter((c) => c.mimeType === 'video/VP8');
  transceiver.setCodecPreferences(vp8);
  const remoteTrack = new Promise<MediaStreamTrack>((resolve) => {
    receiver.ontrack = (e) => resolve(e.track);
  });
  await sender.setLocalDescription();
  await receiver.setRemoteDescription(sender.localDescription!);
  await receiver.setLocalDescription();
  await sender.setRemoteDescription(receiver.localDescription!);
  call = { camera, mark, sender, receiver, remote: videoOf(await remoteTrack), preview: videoOf(camera) };
}

function hangUp(): void {
  if (!call) return;
  const { camera, mark, sender, receiver, remote, preview } = call;
  call = undefined;
  mark.stop();
  camera.stop();
  sender.close();
  receiver.close();
  remote.remove();
  preview.remove();
}

/** What the receiving connection decodes: codec, size and frame count. */
async function received(): Promise<{ codec: string; width: number; height: number; framesDecoded: number }> {
  const { receiver, remote } = current();
  const stats: Array<Record<string, unknown>> = [];
  (await receiver.getStats()).forEach((s: Record<string, unknown>) => stats.push(s));
  const inbound = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'video');
  const codec = stats.find((s) => s.type === 'codec' && s.id === inbound?.codecId);
  return {
    codec: typeof codec?.mimeType === 'string' ? codec.mimeType : '',
    width: remote.videoWidth,
    height: remote.videoHeight,
    framesDecoded: typeof inbound?.framesDecoded === 'number' ? inbound.framesDecoded : 0,
  };
}

/** The receiver's decoded picture (or the sender's bare camera), at its own size. */
function grab(which: 'remote' | 'camera'): Grab {
  const { remote, preview } = current();
  const video = which === 'remote' ? remote : preview;
  const { videoWidth: width, videoHeight: height } = video;
  if (width === 0) throw new Error(`the ${which} video has no picture yet`);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d canvas');
  ctx.drawImage(video, 0, 0, width, height);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const rowMedians: number[] = [];
  const row = new Array<number>(width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      row[x] = 0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!;
    }
    row.sort((a, b) => a - b);
    rowMedians.push(Math.round(row[width >> 1]!));
  }
  const lowerFrom = height >> 1;
  const lower = document.createElement('canvas');
  lower.width = width;
  lower.height = height - lowerFrom;
  lower.getContext('2d')?.drawImage(canvas, 0, lowerFrom, width, lower.height, 0, 0, width, lower.height);
  const lowerPng = lower.toDataURL('image/png').slice('data:image/png;base64,'.length);
  return { width, height, lowerPng, lowerFrom, rowMedians };
}

/** Where the band goes for `text` in a `width`×`height` frame, measured with this page's fonts. */
function layout(text: string, width: number, height: number): { top: number; height: number } {
  const ctx = new OffscreenCanvas(1, 1).getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  const band = measureBand(ctx, text, width, height);
  return { top: band.top, height: band.height };
}

/** Frames a track delivers in `ms`, read from a clone of it (so reading cannot end the original). */
async function countFrames(track: MediaStreamTrack, ms: number): Promise<FrameCount> {
  const clone = track.clone();
  const reader = new MediaStreamTrackProcessor({ track: clone }).readable.getReader();
  const count: FrameCount = { frames: 0, width: 0, height: 0 };
  const until = performance.now() + ms;
  try {
    while (performance.now() < until) {
      const { done, value } = await reader.read();
      if (done) break;
      count.frames++;
      count.width = value.displayWidth;
      count.height = value.displayHeight;
      value.close();
    }
  } finally {
    await reader.cancel();
    clone.stop();
  }
  return count;
}

/** Frames of the camera and of the stamped track over the same `ms`. */
async function frameRates(ms: number): Promise<{ camera: FrameCount; output: FrameCount }> {
  const { camera, mark } = current();
  const [c, o] = await Promise.all([countFrames(camera, ms), countFrames(mark.track, ms)]);
  return { camera: c, output: o };
}

/**
 * Milliseconds FrameStamper.stamp() takes per frame (drawing and making the new frame), on `frames`
 * frames of a fresh camera at `width`×`height`, sorted.
 */
async function stampCost(width: number, height: number, text: string, frames: number): Promise<number[]> {
  const camera = await openCamera(width, height);
  const reader = new MediaStreamTrackProcessor({ track: camera }).readable.getReader();
  const stamper = new FrameStamper(text);
  const times: number[] = [];
  try {
    // The first frames pay for canvas set-up and font loading: warm up before measuring.
    for (let i = 0; i < frames + 5; i++) {
      const { done, value } = await reader.read();
      if (done) throw new Error('camera ended');
      const t0 = performance.now();
      const stamped = await stamper.stamp(value);
      const t1 = performance.now();
      stamped.close();
      if (i >= 5) times.push(t1 - t0);
    }
  } finally {
    await reader.cancel();
    camera.stop();
  }
  return times.sort((a, b) => a - b);
}

function states(): { camera: MediaStreamTrackState; output: MediaStreamTrackState } {
  const { camera, mark } = current();
  return { camera: camera.readyState, output: mark.track.readyState };
}

const watermarkPage = {
  start,
  hangUp,
  received,
  grab,
  layout,
  frameRates,
  stampCost,
  states,
  setText: (text: string) => current().mark.setText(text),
  stopWatermark: () => current().mark.stop(),
  stopCamera: () => current().camera.stop(),
  cameraFrames: (ms: number) => countFrames(current().camera, ms),
  stampVariants: (text: string) => stampVariants(current().camera, text),
};

type WatermarkPage = typeof watermarkPage;

declare global {
  interface Window {
    watermarkPage: WatermarkPage;
  }
}

window.watermarkPage = watermarkPage;
