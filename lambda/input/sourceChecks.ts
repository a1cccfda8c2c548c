import * as z from 'zod';
import { messageOf } from '../core/errors.js';
import { MAPPED_FIELDS, MAPPED_TYPES, type Source, type SourcesFile } from '../core/sourcesFileSchema.js';
import { HtmlSelector } from '../parse/htmlSelector.js';
import { JsonPath } from '../parse/jsonPath.js';
import { ItemFilter } from '../process/itemFilter.js';
import { parseOrThrow } from './inputProblems.js';

type Problem = (path: (string | number)[], message: string) => void;

/**
 * What only the parsers can tell about a sources file whose shape is right: each filter term,
 * path and selector is read here as it will be at run time, so a typo rejects the file instead
 * of failing runs. The parsers (re2js, css-select) are a chunk a run loads only for a file that
 * has terms or mapped sources (see `needsParserChecks`).
 */
export function checkSources(file: SourcesFile, origin: string): SourcesFile {
  return parseOrThrow(checkedSources, file, 'sources', '', origin);
}

const checkedSources = z.custom<SourcesFile>().superRefine((file, context) => {
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
