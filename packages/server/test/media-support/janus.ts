import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findJanusLibDir } from '../../src/media/janus-config';
import { JanusSupervisor, type JanusSupervisorOptions } from '../../src/media/janus-supervisor';

export const JANUS_BINARY = process.env.CONCLAVE_JANUS_BINARY ?? '/usr/bin/janus';

/** Why real-Janus tests cannot run here, or null when they can. */
export function janusUnavailableReason(): string | null {
  if (!existsSync(JANUS_BINARY))
    return `Janus is not installed (${JANUS_BINARY}); run node scripts/setup.mjs`;
  try {
    findJanusLibDir();
  } catch (err) {
    return (err as Error).message;
  }
  return null;
}

/** A supervisor for one test file, with a private temp folder and fast restarts. */
export async function startTestJanus(overrides: Partial<JanusSupervisorOptions> = {}) {
  const tempDir = await mkdtemp(join(tmpdir(), 'conclave-test-janus-'));
  const supervisor = new JanusSupervisor({
    binary: JANUS_BINARY,
    wsPort: 0,
    rtpPortRange: { min: 40000, max: 40999 },
    iceInterfaces: process.env.CONCLAVE_MEDIA_INTERFACE ?? null,
    debugLevel: 3,
    restartBackoff: { initialMs: 100, maxMs: 1000 },
    tempDir,
    ...overrides,
  });
  const endpoint = await supervisor.start();
  return {
    supervisor,
    endpoint,
    tempDir,
    async stop() {
      await supervisor.stop();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}

/** Waits for an event with a deadline, so a missing event fails the test instead of hanging it. */
export function waitFor<T>(
  subscribe: (resolve: (value: T) => void) => void,
  ms: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    subscribe((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
