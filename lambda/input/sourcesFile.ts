import type { SourcesFile } from '../core/sourcesFileSchema.js';
import { checkSources } from './sourceChecks.js';
import { sourcesFileJson, validateSourcesFileShape } from './sourcesFileShape.js';

// For callers that may load every parser at once (the CDK app, the CLI's OPML import, the
// distributed steps); a run's own read loads them only when needed (readSources.ts).

/** Parses and validates the text of a sources file; `origin` names the file in errors. */
export function parseSourcesFile(text: string, origin: string): SourcesFile {
  return validateSourcesFile(sourcesFileJson(text, origin), origin);
}

/** Validates a sources file: its shape, then what only the parsers can tell. */
export function validateSourcesFile(json: unknown, origin: string): SourcesFile {
  return checkSources(validateSourcesFileShape(json, origin), origin);
}
