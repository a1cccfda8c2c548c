import {
  DeleteObjectsCommand,
  type DeleteObjectsCommandOutput,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { StoreError } from '../core/errors.js';
import type { S3ObjectReader } from '../input/readSources.js';
import type { ObjectMetadata, Store, Versioned } from '../run/store.js';

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH_KEYS = 1000;

/** The bucket, under the configured prefix. */
export class S3Store implements Store {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  locate(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.getVersioned(key))?.text;
  }

  async getVersioned(key: string): Promise<Versioned | undefined> {
    try {
      return await getObject(this.client, this.bucket, this.prefix + key);
    } catch (error) {
      throw new StoreError(`cannot read ${this.locate(key)}`, { cause: error });
    }
  }

  async getRange(key: string, start: number, end: number): Promise<string | undefined> {
    try {
      // An HTTP byte range names its last byte.
      return (await getObject(this.client, this.bucket, this.prefix + key, `bytes=${start}-${end - 1}`))?.text;
    } catch (error) {
      // 416: the object is shorter than the range starts, so it is not what state says it is.
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416) return '';
      throw new StoreError(`cannot read ${this.locate(key)}`, { cause: error });
    }
  }

  async put(key: string, body: string, metadata: ObjectMetadata): Promise<void> {
    try {
      await this.client.send(this.putCommand(key, body, metadata));
    } catch (error) {
      throw new StoreError(`cannot write ${this.locate(key)}`, { cause: error });
    }
  }

  putIfAbsent(key: string, body: string, metadata: ObjectMetadata): Promise<boolean> {
    return this.putIf(key, body, metadata, { IfNoneMatch: '*' });
  }

  replaceIfVersion(key: string, body: string, metadata: ObjectMetadata, version: string): Promise<boolean> {
    return this.putIf(key, body, metadata, { IfMatch: version });
  }

  /**
   * A conditional PutObject. 412: the condition failed (the key exists, or its ETag changed).
   * 409 ConditionalRequestConflict: another write to the key raced this one. 404 (If-Match only):
   * the object was deleted since it was read. In every case another writer got there first.
   */
  private async putIf(
    key: string,
    body: string,
    metadata: ObjectMetadata,
    condition: { IfNoneMatch: '*' } | { IfMatch: string },
  ): Promise<boolean> {
    try {
      await this.client.send(this.putCommand(key, body, metadata, condition));
      return true;
    } catch (error) {
      const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
      if (status === 412 || status === 409 || (status === 404 && 'IfMatch' in condition)) return false;
      throw new StoreError(`cannot write ${this.locate(key)}`, { cause: error });
    }
  }

  async list(keyPrefix: string, options: { modifiedBefore?: number } = {}): Promise<string[]> {
    const before = options.modifiedBefore ?? Number.POSITIVE_INFINITY;
    const keys: string[] = [];
    let continuationToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + keyPrefix,
            ContinuationToken: continuationToken,
          }),
        );
        for (const object of page.Contents ?? []) {
          // LIST reports LastModified with each key: filtering by age costs no extra request.
          const modified = object.LastModified?.getTime() ?? Number.NEGATIVE_INFINITY;
          if (object.Key && modified < before) keys.push(object.Key.slice(this.prefix.length));
        }
        continuationToken = page.NextContinuationToken;
      } while (continuationToken);
    } catch (error) {
      throw new StoreError(`cannot list ${this.locate(keyPrefix)}`, { cause: error });
    }
    return keys.sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH_KEYS) {
      const batch = keys.slice(start, start + DELETE_BATCH_KEYS);
      let response: DeleteObjectsCommandOutput;
      try {
        response = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            // Quiet: the response lists only the keys S3 could not delete. A missing key counts as deleted.
            Delete: { Objects: batch.map((key) => ({ Key: this.prefix + key })), Quiet: true },
          }),
        );
      } catch (error) {
        const more = batch.length > 1 ? ` and ${batch.length - 1} more keys` : '';
        throw new StoreError(`cannot delete ${this.locate(batch[0]!)}${more}`, { cause: error });
      }
      // The request succeeds even when some keys fail; each failure is only an entry of Errors.
      const [failed, ...others] = response.Errors ?? [];
      if (failed) {
        const key = (failed.Key ?? '').slice(this.prefix.length);
        const more = others.length > 0 ? ` (and ${others.length} more keys)` : '';
        throw new StoreError(`cannot delete ${this.locate(key)}: ${failed.Code}: ${failed.Message}${more}`);
      }
    }
  }

  private putCommand(
    key: string,
    body: string,
    metadata: ObjectMetadata,
    condition: { IfNoneMatch?: string; IfMatch?: string } = {},
  ) {
    return new PutObjectCommand({
      Bucket: this.bucket,
      Key: this.prefix + key,
      Body: body,
      ContentType: metadata.contentType,
      CacheControl: metadata.cacheControl,
      ...condition,
    });
  }
}

/**
 * An object's text and ETag, or `undefined` when there is no such object; any other failure throws
 * as the SDK threw it.
 */
async function getObject(
  client: S3Client,
  bucket: string,
  key: string,
  range?: string,
): Promise<Versioned | undefined> {
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
    return { text: (await response.Body?.transformToString('utf-8')) ?? '', version: response.ETag ?? '' };
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}

/** Reads objects outside the store's bucket and prefix, such as the sources file; the client is made on first use. */
export function s3ObjectReader(client: () => S3Client): S3ObjectReader {
  return async (bucket, key) => (await getObject(client(), bucket, key))?.text;
}
