import { JanusSupervisor } from '../../packages/server/src/media';
import { TestBrowser } from '../../test/e2e/support/browser';
import { BaselineScenario } from './baseline';

const janus = new JanusSupervisor({
  binary: '/usr/bin/janus',
  wsPort: 0,
  rtpPortRange: { min: 40000, max: 49999 },
  iceInterfaces: process.env.CONCLAVE_MEDIA_INTERFACE ?? null,
});
const browser = await TestBrowser.launch();
try {
  const endpoint = await janus.start();
  const baseline = await BaselineScenario.start(browser, endpoint);
  for (let i = 0; i < 5; i++) console.log(await baseline.join());
  await baseline.stop();
} finally {
  await browser.close();
  await janus.stop();
}
