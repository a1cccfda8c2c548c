import { readFile } from 'node:fs/promises';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { InvalidInputError, StoreError } from './errors.js';
import { assertKnownSources, parseEvent, type RunRequest } from './event.js';
import type { SourcesFile } from './model.js';
import { parseSourcesFile, validateSourcesFile } from './sources.js';
import { parseS3Uri } from './store/s3Store.js';
import bundledSources from './sources.json' with { type: 'json' };

/**
 * Reads the sources file named by `uri` (`s3://bucket/key` or a path), or the one bundled at build
 * time. Read on every run, not at cold start, so editing the file needs no redeploy.
 */
export async function readSources(uri: string | undefined, s3: () => S3Client): Promise<SourcesFile> {
  if (!uri) return validateSourcesFile(bundledSources, 'the bundled sources.json');
  const object = parseS3Uri(uri);
  if (object) {
    const { bucket, key } = object;
    let text: string | undefined;
    try {
      const response = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      text = await response.Body?.transformToString('utf-8');
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

/**
 * Everything a run must know before its first request: the event, the sources file, and that
 * every source the event names is in it. Bad input fails here, before any fetch or write.
 */
export async function readRunRequest(
  event: unknown,
  sourcesUri: string | undefined,
  s3: () => S3Client,
): Promise<{ request: RunRequest; sourcesFile: SourcesFile }> {
  const request = parseEvent(event);
  const sourcesFile = await readSources(sourcesUri, s3);
  assertKnownSources(request, sourcesFile.sources.map((source) => source.id));
  return { request, sourcesFile };
}
