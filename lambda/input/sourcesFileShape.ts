import { InvalidInputError } from '../core/errors.js';
import { MAPPED_TYPES, type SourcesFile, sourcesFileSchema } from '../core/sourcesFileSchema.js';
import { parseOrThrow } from './inputProblems.js';
import { jsonSyntaxProblem } from './jsonSyntaxProblem.js';

/** The JSON of a sources file's text; `origin` names the file in errors. */
export function sourcesFileJson(text: string, origin: string): unknown {
  try {
    return JSON.parse(text);
  } catch (syntaxError) {
    // No cause: V8's message quotes the text around the spot, and the logger prints causes.
    throw new InvalidInputError('sources', origin, jsonSyntaxProblem(text, syntaxError));
  }
}

/**
 * Validates a sources file's shape as a whole: one bad field rejects the file, so a typo can
 * never silently drop a source or run with an unintended limit. The error names every problem
 * found. What only the parsers can tell comes after (`checkSources`).
 */
export function validateSourcesFileShape(json: unknown, origin: string): SourcesFile {
  return parseOrThrow(sourcesFileSchema, json, 'sources', '', origin);
}

/** Whether `checkSources` could find anything: the file has filter terms, paths or selectors. */
export function needsParserChecks(file: SourcesFile): boolean {
  return file.sources.some((source) => source.filter !== undefined || MAPPED_TYPES.has(source.type));
}
