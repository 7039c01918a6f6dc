import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A key that wraps the organisations' data keys, named by a digest of itself (never by itself). */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** The master key data keys are wrapped with now, and earlier ones still accepted until re-wrapped. */
export interface MasterKeys {
  current: MasterKey;
  previous: MasterKey[];
}

/** Where an installation without a configured master key keeps the one made for it. */
export const MASTER_KEY_FILE = 'master.key';

export function masterKey(key: Buffer): MasterKey {
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/**
 * The configured master keys (base64 of 32 bytes each), or, when none is configured, the one in the
 * data folder, made on first start: enough for one node; several nodes must share a configured one.
 */
export async function loadMasterKeys(options: {
  configured: string | null;
  previous: readonly string[];
  dataDir: string;
}): Promise<MasterKeys> {
  const previous = options.previous.map((k) => masterKey(Buffer.from(k, 'base64')));
  if (options.configured) return { current: masterKey(Buffer.from(options.configured, 'base64')), previous };
  const file = join(options.dataDir, MASTER_KEY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    await mkdir(options.dataDir, { recursive: true });
    text = randomBytes(32).toString('base64');
    // 'wx': two processes starting at once must not each write their own.
    await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => {
      text = await readFile(file, 'utf8');
    });
    await chmod(file, 0o600);
  }
  return { current: masterKey(Buffer.from(text.trim(), 'base64')), previous };
}
