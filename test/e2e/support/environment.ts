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
  // One after the other: Chromium launched while the server sets up its media was seen to leave a
  // recorder's picture at 5 frames a second and a later guest's voice out of the recording.
  const server = await TestServer.start(options.server);
  try {
    const browser = await TestBrowser.launch();
    if (options.setUp ?? true) await completeSetup(server);
    return { server, browser };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** Stops what `startEnvironment` started, if it did (media tests skip it without a sandbox). */
export async function stopEnvironment(env: Partial<Environment>): Promise<void> {
  await env.browser?.close();
  await env.server?.stop();
}
