import { InvalidInputError, messageOf } from '../core/errors.js';
import {
  MAPPED_FIELDS,
  MAPPED_TYPES,
  type Source,
  type SourcesFile,
  sourcesFileSchema,
} from '../core/sourcesFileSchema.js';
import { HtmlSelector } from '../parse/htmlSelector.js';
import { JsonPath } from '../parse/jsonPath.js';
import { ItemFilter } from '../process/itemFilter.js';
import { parseOrThrow } from './inputProblems.js';
import { jsonSyntaxProblem } from './jsonSyntaxProblem.js';

type Problem = (path: (string | number)[], message: string) => void;

/**
 * The schema plus what only the parsers can tell: each term, path and selector is read here as it
 * will be at run time, so a typo rejects the file instead of failing runs. Runs once the shape is
 * right, so these checks see the types the schema promises.
 */
const checkedSourcesFileSchema = sourcesFileSchema.superRefine((file, context) => {
  file.sources.forEach((source, index) => {
    const problem: Problem = (path, message) =>
      context.addIssue({ code: 'custom', path: ['sources', index, ...path], message });
    checkFilterTerms(source, problem);
    checkMappings(source, problem);
  });
});

function checkFilterTerms({ filter }: Source, problem: Problem): void {
  for (const list of ['include', 'exclude'] as const) {
    filter?.[list]?.forEach((term, index) => {
      const termProblem = ItemFilter.termProblem(term);
      if (termProblem) problem(['filter', list, index], termProblem);
    });
  }
}

function checkMappings(source: Source, problem: Problem): void {
  if (!MAPPED_TYPES.has(source.type)) return;
  const check = source.type === 'json' ? JsonPath.parse : HtmlSelector.parse;
  const mapped: [string[], string | undefined][] = [
    [['items'], source.items],
    ...MAPPED_FIELDS.map((key): [string[], string | undefined] => [['fields', key], source.fields?.[key]]),
  ];
  for (const [path, text] of mapped) {
    if (text === undefined) continue;
    try {
      const parsed = check(text);
      if (path[0] === 'items' && parsed instanceof HtmlSelector && !parsed.selectsElements) {
        problem(path, 'must select the elements that are the items: a CSS selector, without "@attribute" or ":scope"');
      }
    } catch (error) {
      problem(path, messageOf(error));
    }
  }
}

/** Parses and validates the text of a sources file; `origin` names the file in errors. */
export function parseSourcesFile(text: string, origin: string): SourcesFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (syntaxError) {
    // No cause: V8's message quotes the text around the spot, and the logger prints causes.
    throw new InvalidInputError('sources', origin, jsonSyntaxProblem(text, syntaxError));
  }
  return validateSourcesFile(json, origin);
}

/**
 * Validates a sources file as a whole: one bad field rejects the file, so a typo can never
 * silently drop a source or run with an unintended limit. The error names every problem found.
 */
export function validateSourcesFile(json: unknown, origin: string): SourcesFile {
  return parseOrThrow(checkedSourcesFileSchema, json, 'sources', '', origin);
}
