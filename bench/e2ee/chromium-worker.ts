// The browser side of bench/e2ee/sframe-throughput.mjs: the measurement in a Chromium worker, as
// the media worker runs it in a call. Bundled by sframe-chromium.ts.
import { measureSFrame, type Workload } from './sframe-rounds';

addEventListener('message', (event: MessageEvent<Workload>) => {
  measureSFrame(event.data).then(
    (result) => postMessage(result),
    (err: unknown) => postMessage({ error: String(err) }),
  );
});
