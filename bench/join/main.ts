import { TestBrowser } from '../../test/e2e/support/browser';
import { BaselineScenario } from './baseline';
import { startBenchJanus } from './janus';

const janus = await startBenchJanus({
  rtpPorts: '40000-49999',
  iceInterface: process.env.CONCLAVE_MEDIA_INTERFACE ?? null,
});
const browser = await TestBrowser.launch();
try {
  const baseline = await BaselineScenario.start(browser, janus);
  for (let i = 0; i < 5; i++) console.log(await baseline.join());
  await baseline.stop();
} finally {
  await browser.close();
  await janus.stop();
}
