import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SetupTokenStore } from './setup-token';

const SETUP_LINK_FILE = 'setup-link';

/**
 * Before first-run setup, each start issues a fresh setup token and tells the operator the link that
 * carries it: printed on the terminal when there is one, and always written to a file readable only
 * by the service's user (a systemd service has no terminal). The JSON log never holds the token, only
 * where to find it. The token sits in the link's fragment, which browsers do not send to servers.
 */
export async function announceSetupLink(
  setupTokens: SetupTokenStore,
  options: { publicUrl: string; dataDir: string; logger: Logger; terminal: NodeJS.WriteStream },
): Promise<string> {
  const token = await setupTokens.issue();
  const link = `${options.publicUrl}/setup#token=${token}`;
  const file = join(options.dataDir, SETUP_LINK_FILE);
  await mkdir(options.dataDir, { recursive: true });
  await writeFile(file, `${link}\n`, { mode: 0o600 });
  options.logger.info(
    { setupLinkFile: file },
    `First-run setup: open the setup link (in ${file}) in a browser to create the organisation and its first Administrator`,
  );
  if (options.terminal.isTTY) {
    options.terminal.write(`\n  First-run setup: open ${link}\n\n`);
  }
  return file;
}
