import type { ObjectMetadata, Store, Versioned } from '../lambda/run/store.js';

/**
 * A bucket in memory that counts requests and bytes by kind, as S3 would bill them. Its objects
 * are Buffers, outside the V8 heap as S3's are outside the process: a bench that measures the heap
 * sees what the code under test holds, not what it stored.
 */
export class CountingStore implements Store {
  readonly #objects = new Map<string, Buffer>();
  counts = { get: 0, put: 0, list: 0, delete: 0, bytesRead: 0, bytesWritten: 0 };
  /** GETs per key, ranged ones included. */
  readonly reads = new Map<string, number>();
  #version = 0;
  readonly #versions = new Map<string, string>();

  reset(): void {
    this.counts = { get: 0, put: 0, list: 0, delete: 0, bytesRead: 0, bytesWritten: 0 };
    this.reads.clear();
  }
  locate(key: string): string {
    return `mem://${key}`;
  }
  async get(key: string): Promise<string | undefined> {
    return (await this.getVersioned(key))?.text;
  }
  async getVersioned(key: string): Promise<Versioned | undefined> {
    this.#countRead(key);
    const body = this.#objects.get(key);
    if (body === undefined) return undefined;
    this.counts.bytesRead += body.length;
    return { text: body.toString('utf8'), version: this.#versions.get(key)! };
  }
  async getRange(key: string, start: number, end: number): Promise<string | undefined> {
    this.#countRead(key);
    const body = this.#objects.get(key);
    if (body === undefined) return undefined;
    const slice = body.subarray(start, end);
    this.counts.bytesRead += slice.length;
    return slice.toString('utf8');
  }
  async put(key: string, body: string, _metadata: ObjectMetadata): Promise<void> {
    const bytes = Buffer.from(body, 'utf8');
    this.counts.put++;
    this.counts.bytesWritten += bytes.length;
    this.#objects.set(key, bytes);
    this.#versions.set(key, String(++this.#version));
  }
  async putIfAbsent(key: string, body: string, metadata: ObjectMetadata): Promise<boolean> {
    if (this.#objects.has(key)) return (this.counts.put++, false);
    await this.put(key, body, metadata);
    return true;
  }
  async replaceIfVersion(key: string, body: string, metadata: ObjectMetadata, version: string): Promise<boolean> {
    if (this.#versions.get(key) !== version) return (this.counts.put++, false);
    await this.put(key, body, metadata);
    return true;
  }
  async list(keyPrefix: string): Promise<string[]> {
    const keys = [...this.#objects.keys()].filter((key) => key.startsWith(keyPrefix)).sort();
    this.counts.list += Math.max(1, Math.ceil(keys.length / 1000));
    return keys;
  }
  async delete(keys: readonly string[]): Promise<void> {
    this.counts.delete += Math.ceil(keys.length / 1000);
    for (const key of keys) this.#objects.delete(key);
  }
  #countRead(key: string): void {
    this.counts.get++;
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
  }
}
