import { readFile } from 'node:fs/promises';
import { InvalidInputError, StoreError } from '../core/errors.js';
import { DEFAULT_FEED } from '../core/feedSchema.js';
import type { SourcesFile } from '../core/model.js';
import { assertKnownSources, parseEvent, type RunRequest } from './event.js';
import { parseS3Uri } from './s3Uri.js';
import bundledSources from './sources.json' with { type: 'json' };
import { needsParserChecks, sourcesFileJson, validateSourcesFileShape } from './sourcesFileShape.js';

/** Reads an `s3://` object's text: `undefined` when there is no such object; other failures throw. */
export type S3ObjectReader = (bucket: string, key: string) => Promise<string | undefined>;

/**
 * Reads the sources file named by `uri` (`s3://bucket/key` or a path), or the one bundled at build
 * time. Read on every run, not at cold start, so editing the file needs no redeploy.
 */
export async function readSources(
  uri: string | undefined,
  readS3: S3ObjectReader,
  field = 'SOURCES_URI',
): Promise<SourcesFile> {
  if (!uri) return validated(bundledSources, 'the bundled sources.json');
  const object = parseS3Uri(uri);
  if (object) {
    let text: string | undefined;
    try {
      text = await readS3(object.bucket, object.key);
    } catch (cause) {
      // A reader that cannot read s3:// at all (the CLI) has said which setting is wrong.
      if (cause instanceof InvalidInputError) throw cause;
      // Throttling or the network may pass; a missing object (below) is a wrong setting.
      throw new StoreError(`cannot read ${uri}: ${(cause as Error).message}`, { cause });
    }
    if (text === undefined) throw cannotRead(field, uri, new Error('no such object'));
    return validated(sourcesFileJson(text, uri), uri);
  }
  let text: string;
  try {
    text = await readFile(uri, 'utf8');
  } catch (cause) {
    throw cannotRead(field, uri, cause);
  }
  return validated(sourcesFileJson(text, uri), uri);
}

/** A sources file validated as `validateSourcesFile` does, loading the parsers only when the file needs them. */
async function validated(json: unknown, origin: string): Promise<SourcesFile> {
  const file = validateSourcesFileShape(json, origin);
  if (!needsParserChecks(file)) return file;
  const { checkSources } = await import('./sourceChecks.js');
  return checkSources(file, origin);
}

/**
 * The feed served from `publicBaseUrl` (PUBLIC_BASE_URL, which the stack sets to the address it
 * serves the outputs from): that address is a fact of the deployment, so it wins over the file's.
 */
export function withPublicBaseUrl(sourcesFile: SourcesFile, publicBaseUrl: string | undefined): SourcesFile {
  if (publicBaseUrl === undefined) return sourcesFile;
  return { ...sourcesFile, feed: { ...(sourcesFile.feed ?? DEFAULT_FEED), baseUrl: publicBaseUrl } };
}

function cannotRead(field: string, uri: string, cause: unknown): InvalidInputError {
  return new InvalidInputError('sources', field, `cannot read ${uri}: ${(cause as Error).message}`, { cause });
}

/** What the user calls the two inputs a run request takes, for errors: the Lambda's, or the CLI's flags. */
export interface RunRequestFields {
  sourceIds: string;
  sourcesUri: string;
}

const LAMBDA_FIELDS: RunRequestFields = { sourceIds: 'event.sources', sourcesUri: 'SOURCES_URI' };

/**
 * Everything a run must know before its first request: the event, the sources file, and that
 * every source the event names is in it. Bad input fails here, before any fetch or write.
 */
export async function readRunRequest(
  event: unknown,
  sourcesUri: string | undefined,
  readS3: S3ObjectReader,
  fields: RunRequestFields = LAMBDA_FIELDS,
  publicBaseUrl?: string,
): Promise<{ request: RunRequest; sourcesFile: SourcesFile }> {
  const request = parseEvent(event);
  const sourcesFile = withPublicBaseUrl(await readSources(sourcesUri, readS3, fields.sourcesUri), publicBaseUrl);
  assertKnownSources(
    request,
    sourcesFile.sources.map((source) => source.id),
    fields.sourceIds,
  );
  return { request, sourcesFile };
}
