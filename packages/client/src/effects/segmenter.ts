import type { Results, SelfieSegmentation } from '@mediapipe/selfie_segmentation';
import { EffectUnavailableError } from './processor';

/**
 * The person mask of a camera picture, from MediaPipe's selfie segmentation (its model and
 * WebAssembly served from `assetsUrl`, never from another host).
 *
 * MediaPipe's loader is a Closure-compiled script that sets `SelfieSegmentation` on `this || self`
 * and adds its WebAssembly loader as a `<script>` tag on a page (`importScripts` in a classic
 * worker). Bundled, that `this` is the bundler's module wrapper's (esbuild: undefined, so the name
 * lands on `window` and the named import is undefined), so it is not bundled at all: it is loaded,
 * like the rest of its files, from `assetsUrl` as the script it is, on the page.
 */
export interface Segmenter {
  /**
   * The mask of `image` (alpha: 255 where the person is, 0 elsewhere), at the model's size; the
   * caller owns it and closes it. Resolves when the model has run: tens of milliseconds.
   */
  segment(image: ImageBitmap): Promise<ImageBitmap>;
  close(): void;
}

type SelfieSegmentationClass = typeof SelfieSegmentation;

/** The loader script, once per page and assets URL (it defines a global class). */
const loaders = new Map<string, Promise<SelfieSegmentationClass>>();

/** The files' folder, ending in '/', so `locateFile` can append a name. */
function folder(assetsUrl: string | URL): string {
  const url = new URL(assetsUrl, typeof location === 'undefined' ? undefined : location.href).href;
  return url.endsWith('/') ? url : `${url}/`;
}

function loadScript(src: string): Promise<SelfieSegmentationClass> {
  const scope = globalThis as { SelfieSegmentation?: SelfieSegmentationClass };
  if (scope.SelfieSegmentation) return Promise.resolve(scope.SelfieSegmentation);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.addEventListener('load', () =>
      scope.SelfieSegmentation
        ? resolve(scope.SelfieSegmentation)
        : reject(new EffectUnavailableError(`${src} did not define SelfieSegmentation`)),
    );
    script.addEventListener('error', () => reject(new EffectUnavailableError(`Could not load ${src}`)));
    document.head.append(script);
  });
}

/**
 * Whether the page can run it: WebAssembly, a DOM to load the scripts into, and WebGL (without
 * it MediaPipe calls `alert()`, so it is checked first).
 */
function check(): void {
  if (typeof WebAssembly === 'undefined') throw new EffectUnavailableError('This browser has no WebAssembly');
  if (typeof document === 'undefined') throw new EffectUnavailableError('Background effects run on a page');
  const canvas = document.createElement('canvas');
  if (!canvas.getContext('webgl2') && !canvas.getContext('webgl')) {
    throw new EffectUnavailableError('This browser has no WebGL');
  }
}

/**
 * One start at a time on a page: MediaPipe adds its WebAssembly loader as a global script per start,
 * and two at once (the join page's preview and the meeting's camera) abort one of them ("Module.arguments
 * has been replaced"); measured in the e2e test. Instances started one after the other run side by side.
 */
let starting: Promise<unknown> = Promise.resolve();

/** How long loading and starting the model may take before the effect counts as unavailable. */
const START_TIMEOUT_MS = 20_000;

/** Loads the model from `assetsUrl` and starts it; rejects with EffectUnavailableError where it cannot run. */
export async function loadSegmenter(assetsUrl: string | URL): Promise<Segmenter> {
  check();
  const base = folder(assetsUrl);
  let loader = loaders.get(base);
  if (!loader) {
    loader = loadScript(`${base}selfie_segmentation.js`);
    loaders.set(base, loader);
    loader.catch(() => loaders.delete(base));
  }
  const Solution = await loader;
  const turn = starting.catch(() => undefined);
  const start = turn.then(() => startSolution(Solution, base));
  starting = start;
  return start;
}

async function startSolution(Solution: SelfieSegmentationClass, base: string): Promise<Segmenter> {
  const solution = new Solution({ locateFile: (file) => `${base}${file}` });
  // The landscape model (256×144) suits a camera picture and is the faster one. Inference on the
  // CPU (WebAssembly SIMD): measured 16 ms a picture against 130 ms on a software-rendered WebGL.
  solution.setOptions({ modelSelection: 1, useCpuInference: true } as Parameters<
    typeof solution.setOptions
  >[0]);
  let pending: { resolve(mask: ImageBitmap): void; reject(err: Error): void } | null = null;
  solution.onResults((results: Results) => {
    const image = results.image;
    if (image instanceof ImageBitmap && image !== results.segmentationMask) image.close();
    const mask = results.segmentationMask;
    const waiting = pending;
    pending = null;
    if (mask instanceof ImageBitmap) waiting?.resolve(mask);
    else if (waiting) void createImageBitmap(mask).then(waiting.resolve, waiting.reject);
  });
  const started = solution.initialize();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      started,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), START_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    void solution.close().catch(() => undefined);
    const detail = err instanceof Error ? err.message : String(err);
    throw new EffectUnavailableError(`Person segmentation could not start: ${detail}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  let closed = false;
  return {
    async segment(image) {
      if (closed) throw new EffectUnavailableError('The segmenter was closed');
      const mask = new Promise<ImageBitmap>((resolve, reject) => (pending = { resolve, reject }));
      await solution.send({ image: image as unknown as HTMLCanvasElement });
      if (pending) {
        // send() resolved without results (the graph dropped the picture).
        pending = null;
        throw new EffectUnavailableError('Person segmentation gave no mask');
      }
      return mask;
    },
    close() {
      closed = true;
      void solution.close().catch(() => undefined);
    },
  };
}
