import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { StoreError } from '../core/errors.js';
import type { ObjectMetadata, Store } from '../run/store.js';

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
    try {
      return await readFile(this.locate(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError(`cannot read ${this.locate(key)}`, { cause: error });
    }
  }

  async put(key: string, body: string, _metadata: ObjectMetadata): Promise<void> {
    const path = this.locate(key);
    try {
      await mkdir(dirname(path), { recursive: true });
      // Write beside, then rename: a reader never sees half a file, as with S3.
      const partial = `${path}.${process.pid}.partial`;
      await writeFile(partial, body);
      await rename(partial, path);
    } catch (error) {
      throw new StoreError(`cannot write ${path}`, { cause: error });
    }
  }

  async putIfAbsent(key: string, body: string, _metadata: ObjectMetadata): Promise<boolean> {
    const path = this.locate(key);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body, { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new StoreError(`cannot write ${path}`, { cause: error });
    }
  }

  async list(keyPrefix: string): Promise<string[]> {
    const folder = dirname(this.locate(`${keyPrefix}x`));
    let files: string[];
    try {
      const entries = await readdir(folder, { recursive: true, withFileTypes: true });
      files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new StoreError(`cannot list ${folder}`, { cause: error });
    }
    return files
      .map((file) => relative(this.root, file).split(sep).join('/'))
      .filter((key) => key.startsWith(keyPrefix) && !key.endsWith('.partial'))
      .sort();
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
}
