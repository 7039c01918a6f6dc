import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { assertValidKey, assertValidPrefix, type ObjectStore } from './store';

const isCode = (error: unknown, ...codes: string[]) =>
  error instanceof Error && 'code' in error && codes.includes(String(error.code));

/**
 * Objects as files under one folder, a key's segments as sub-folders. Only the server's user may read
 * them (files 0600, folders 0700); a put writes a temporary file and renames it over the object, so a
 * crash leaves the old object or the new one, never a part.
 */
export class LocalStore implements ObjectStore {
  private readonly root: string;

  constructor(folder: string) {
    this.root = resolve(folder);
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = join(dirname(path), `.${randomBytes(8).toString('hex')}.tmp`);
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(bytes);
      // On disk before it has the object's name: a rename that survives a crash must not name nothing.
      await file.datasync();
    } catch (error) {
      await file.close();
      await unlink(temporary).catch(() => {});
      throw error;
    }
    await file.close();
    await rename(temporary, path);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isCode(error, 'ENOENT')) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    // Only the folder the prefix's complete segments name can hold matches.
    const folder = join(this.root, ...prefix.split('/').slice(0, -1));
    let entries;
    try {
      entries = await readdir(folder, { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return [];
      throw error;
    }
    return entries
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => relative(this.root, join(e.parentPath, e.name)).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix))
      .sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    const folders = new Set<string>();
    for (const key of keys) {
      const path = this.pathOf(key);
      await unlink(path).catch((error: unknown) => {
        if (!isCode(error, 'ENOENT')) throw error;
      });
      folders.add(dirname(path));
    }
    // Folders the deletion emptied go too (deepest first), up to the store's own folder.
    const byDepth = [...folders].sort((a, b) => b.length - a.length);
    for (let folder of byDepth) {
      while (folder !== this.root && folder.startsWith(this.root + sep)) {
        const removed = await rmdir(folder).then(
          () => true,
          (error: unknown) => {
            if (isCode(error, 'ENOENT')) return true;
            if (isCode(error, 'ENOTEMPTY', 'EEXIST')) return false;
            throw error;
          },
        );
        if (!removed) break;
        folder = dirname(folder);
      }
    }
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    const path = join(this.root, ...key.split('/'));
    // The key's syntax already rules out escaping; this holds even if that syntax is ever loosened.
    if (!path.startsWith(this.root + sep)) throw new Error(`object key outside the store: ${key}`);
    return path;
  }
}
