import { createHash } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from '../core/errors.js';
import type { ObjectMetadata, Store, Versioned } from '../run/store.js';

/** Files beside a key's file that are not objects: a write in progress, a compare-and-swap's lock. */
const WORK_FILE = /\.(partial|lock)$/;
/** How long a compare-and-swap waits for another process's lock before failing. */
const LOCK_WAIT_MS = 10_000; // 10 s
/** A lock older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 30_000; // 30 s
const LOCK_POLL_MS = 20;

/** A local folder standing in for the bucket, for the CLI and the demo. */
export class FolderStore implements Store {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  locate(key: string): string {
    const path = resolve(this.root, key);
    if (path !== this.root && !path.startsWith(this.root + sep)) {
      throw new StoreError(`key escapes the output folder: ${key}`);
    }
    return path;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.getVersioned(key))?.text;
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    const path = this.locate(key);
    try {
      const text = await readFile(path, 'utf8');
      return { text, version: versionOf(text) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError(`cannot read ${path}`, { cause: error });
    }
  }

  async getRange(key: string, start: number, end: number): Promise<string | undefined> {
    const path = this.locate(key);
    try {
      const file = await open(path, 'r');
      try {
        const { buffer, bytesRead } = await file.read(Buffer.alloc(end - start), 0, end - start, start);
        return buffer.toString('utf8', 0, bytesRead);
      } finally {
        await file.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError(`cannot read ${path}`, { cause: error });
    }
  }

  async put(key: string, body: string, _metadata: ObjectMetadata): Promise<void> {
    const path = this.locate(key);
    try {
      await this.writeBeside(path, body, (partial) => rename(partial, path));
    } catch (error) {
      throw new StoreError(`cannot write ${path}`, { cause: error });
    }
  }

  async putIfAbsent(key: string, body: string, _metadata: ObjectMetadata): Promise<boolean> {
    const path = this.locate(key);
    try {
      // link() fails when the path exists, and shows the whole file at once: create-if-absent, atomically.
      await this.writeBeside(path, body, async (partial) => {
        await link(partial, path).finally(() => unlink(partial));
      });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new StoreError(`cannot write ${path}`, { cause: error });
    }
  }

  async replaceIfVersion(key: string, body: string, metadata: ObjectMetadata, version: string): Promise<boolean> {
    const path = this.locate(key);
    // A filesystem has no compare-and-swap: a lock file (created exclusively) makes read-compare-rename one step.
    const lock = `${path}.lock`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await acquire(lock);
    } catch (error) {
      throw new StoreError(`cannot lock ${path}`, { cause: error });
    }
    try {
      const current = await this.getVersioned(key);
      if (current?.version !== version) return false;
      await this.put(key, body, metadata);
      return true;
    } finally {
      await rm(lock, { force: true });
    }
  }

  async list(keyPrefix: string, options: { modifiedBefore?: number } = {}): Promise<string[]> {
    const folder = dirname(this.locate(`${keyPrefix}x`));
    let keys: string[];
    try {
      const entries = await readdir(folder, { recursive: true, withFileTypes: true });
      keys = entries
        .filter((entry) => entry.isFile())
        .map((entry) => relative(this.root, join(entry.parentPath, entry.name)).split(sep).join('/'))
        .filter((key) => key.startsWith(keyPrefix) && !WORK_FILE.test(key));
      const { modifiedBefore } = options;
      if (modifiedBefore !== undefined) {
        const old = await Promise.all(keys.map(async (key) => (await stat(this.locate(key))).mtimeMs < modifiedBefore));
        keys = keys.filter((_, index) => old[index]);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new StoreError(`cannot list ${folder}`, { cause: error });
    }
    return keys.sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    // Every key is checked before any is removed, so a key escaping the folder deletes nothing.
    const paths = keys.map((key) => this.locate(key));
    for (const path of paths) {
      try {
        await rm(path, { force: true });
      } catch (error) {
        throw new StoreError(`cannot delete ${path}`, { cause: error });
      }
    }
  }

  /**
   * Writes the body to a file beside `path`, then lets `commit` move it into place: a reader never
   * sees half a file, as with S3.
   */
  private async writeBeside(path: string, body: string, commit: (partial: string) => Promise<void>): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.partial`;
    await writeFile(partial, body);
    await commit(partial);
  }
}

function versionOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

async function acquire(lock: string): Promise<void> {
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (age > STALE_LOCK_MS) await rm(lock, { force: true });
    else if (Date.now() > giveUpAt) throw new Error(`${lock} is held by another process`);
    else await sleep(LOCK_POLL_MS);
  }
}
