import { readFile } from 'node:fs/promises';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { InvalidInputError, StoreError } from './errors.js';
import type { SourcesFile } from './model.js';
import { parseSourcesFile, validateSourcesFile } from './sources.js';
import bundledSources from './sources.json' with { type: 'json' };

/**
 * Reads the sources file named by `uri` (`s3://bucket/key` or a path), or the one bundled at build
 * time. Read on every run, not at cold start, so editing the file needs no redeploy.
 */
export async function readSources(uri: string | undefined, s3: () => S3Client): Promise<SourcesFile> {
  if (!uri) return validateSourcesFile(bundledSources, 'the bundled sources.json');
  if (uri.startsWith('s3://')) {
    const [, bucket = '', key = ''] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
    let text: string | undefined;
    try {
      const object = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      text = await object.Body?.transformToString('utf-8');
    } catch (cause) {
      // A missing object is a wrong setting; anything else (throttling, network) may pass.
      if (cause instanceof NoSuchKey) throw cannotRead(uri, cause);
      throw new StoreError(`cannot read ${uri}: ${(cause as Error).message}`, { cause });
    }
    return parseSourcesFile(text ?? '', uri);
  }
  let text: string;
  try {
    text = await readFile(uri, 'utf8');
  } catch (cause) {
    throw cannotRead(uri, cause);
  }
  return parseSourcesFile(text, uri);
}

function cannotRead(uri: string, cause: unknown): InvalidInputError {
  return new InvalidInputError('sources', 'SOURCES_URI', `cannot read ${uri}: ${(cause as Error).message}`, { cause });
}
