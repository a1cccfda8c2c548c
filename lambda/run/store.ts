import { CACHE_CONTROL } from '../core/storageLayout.js';

/** How an object is served to readers; S3 keeps it as object metadata, a folder ignores it. */
export interface ObjectMetadata {
  contentType: string;
  cacheControl?: string;
}

/** Pipeline-internal JSON (state, claims, shards): never cached by anyone. */
export const INTERNAL_JSON: ObjectMetadata = { contentType: 'application/json', cacheControl: CACHE_CONTROL.internal };

/** An object's text and the version a conditional write names: S3's ETag, a hash of a file's content. */
export interface Versioned {
  text: string;
  version: string;
}

/**
 * Where outputs and state live. Keys are relative to the configured prefix, so the pipeline never
 * knows whether it is writing to S3 or to a local folder.
 */
export interface Store {
  /** Where a key ends up, for people: `s3://bucket/prefix/key` or a file path. */
  locate(key: string): string;
  get(key: string): Promise<string | undefined>;
  /**
   * The UTF-8 bytes [start, end) of an object, as text (S3: a ranged GET, one request); less when
   * the object is shorter, `undefined` when there is no such object.
   */
  getRange(key: string, start: number, end: number): Promise<string | undefined>;
  put(key: string, body: string, metadata: ObjectMetadata): Promise<void>;
  /** The text with its version, for a later replaceIfVersion; `undefined` when there is no such object. */
  getVersioned(key: string): Promise<Versioned | undefined>;
  /** Writes only when the key does not exist yet; false when it already did. */
  putIfAbsent(key: string, body: string, metadata: ObjectMetadata): Promise<boolean>;
  /**
   * Writes only while the object is still at `version` (S3: `If-Match`); false when another writer
   * changed or deleted it since it was read. Compare-and-swap, so concurrent writers never lose
   * each other's updates silently.
   */
  replaceIfVersion(key: string, body: string, metadata: ObjectMetadata, version: string): Promise<boolean>;
  /**
   * Keys under a key prefix, in lexical order.
   * @param options.modifiedBefore epoch ms: only objects last written before then
   */
  list(keyPrefix: string, options?: { modifiedBefore?: number }): Promise<string[]>;
  /** Removes the keys; keys that do not exist are not an error. */
  delete(keys: readonly string[]): Promise<void>;
}
