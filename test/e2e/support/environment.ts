import { completeSetup } from './app';
import { TestBrowser } from './browser';
import { TestServer, type StartServerOptions } from './server';

/** What one test file runs against: its own server and its own Chromium. */
export interface Environment {
  server: TestServer;
  browser: TestBrowser;
}

/**
 * Starts a test file's server and browser; by default also completes first-run setup through the API
 * (a test that sets up through the page says `setUp: false`). A failure stops what already started.
 */
export async function startEnvironment(
  options: { server?: StartServerOptions; setUp?: boolean } = {},
): Promise<Environment> {
  // Side by side: Chromium starts while the server waits for its Janus.
  const [server, browser] = await Promise.allSettled([
    TestServer.start(options.server),
    TestBrowser.launch(),
  ]);
  try {
    if (server.status === 'rejected') throw server.reason;
    if (browser.status === 'rejected') throw browser.reason;
    if (options.setUp ?? true) await completeSetup(server.value);
    return { server: server.value, browser: browser.value };
  } catch (err) {
    await stopEnvironment({
      ...(server.status === 'fulfilled' && { server: server.value }),
      ...(browser.status === 'fulfilled' && { browser: browser.value }),
    });
    throw err;
  }
}

/** Stops what `startEnvironment` started, if it did (media tests skip it without a sandbox). */
export async function stopEnvironment(env: Partial<Environment>): Promise<void> {
  await env.browser?.close();
  await env.server?.stop();
}
