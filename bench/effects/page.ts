// The benchmark's page: Chromium's fake camera at a given size, sent through BackgroundProcessor
// (strong blur) or not, and the frames of the resulting track counted as a receiver would read them.
import { BackgroundProcessor } from '../../packages/client/src/effects/background';

interface Breakout {
  MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => {
    readable: ReadableStream<VideoFrame>;
  };
}

async function measure(width: number, height: number, blur: boolean, seconds: number) {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { exact: width }, height: { exact: height }, frameRate: { ideal: 30 } },
  });
  const camera = stream.getVideoTracks()[0]!;
  const processor = blur
    ? new BackgroundProcessor({ effect: { mode: 'blur', strength: 'strong' }, assetsUrl: '/mediapipe/' })
    : null;
  const track = processor ? await processor.process(camera) : camera;
  const { MediaStreamTrackProcessor } = globalThis as unknown as Breakout;
  const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
  // Warm up, then count.
  const until = async (end: number) => {
    let frames = 0;
    let size = '';
    while (performance.now() < end) {
      const { done, value } = await reader.read();
      if (done) throw new Error('the track ended (effect unavailable?)');
      size = `${value.displayWidth}x${value.displayHeight}`;
      value.close();
      frames++;
    }
    return { frames, size };
  };
  await until(performance.now() + 2000);
  const start = performance.now();
  (window as unknown as { measuring: boolean }).measuring = true;
  const { frames, size } = await until(start + seconds * 1000);
  const fps = (frames * 1000) / (performance.now() - start);
  await reader.cancel();
  processor?.stop();
  camera.stop();
  return { fps, size, settingsFps: camera.getSettings().frameRate ?? null };
}

(window as unknown as { bench: typeof measure }).bench = measure;
