import { RE2JS } from 're2js';

import { FilterTermError } from '../core/errors.js';
import type { Item, SourceFilter } from '../core/model.js';
import { plainText } from '../parse/plainText.js';

/** Longest regular expression a filter may hold: a filter is a few words, not a program. */
export const MAX_PATTERN_LENGTH = 200; // characters
/** Text of one item a filter reads: the title and the start of the content. */
const MAX_TEXT_LENGTH = 20_000; // characters
/**
 * HTML read to find that start: plain text is shorter than its markup, so this is enough unless
 * tags are more than three quarters of the content. Turning a whole large item into text only to
 * read its start is slow enough to matter per item (BENCHMARKS.md, "Figures behind limits").
 */
const MAX_HTML_READ = 4 * MAX_TEXT_LENGTH;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `/pattern/flags`; flags g and y are left out because they make `test` remember where it stopped. */
const REGEX_TERM = /^\/(.+)\/([a-z]*)$/s;
const ALLOWED_FLAGS = /^[imsu]*$/;
/** RE2's flags for JavaScript's; `u` needs none, RE2 reads text as code points. */
const RE2_FLAGS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  u: 0,
};

type Matcher = (text: string) => boolean;

/**
 * Which items of one source are kept: an item must match an `include` term (when there are any),
 * must match no `exclude` term, and must not be older than `maxAgeDays`. Terms are read against
 * the item's title, summary and content as plain text: a keyword matches case-insensitively
 * anywhere in it, `/regex/flags` is a regular expression. Undated items are kept by
 * `maxAgeDays`, since their age is unknown.
 *
 * Regular expressions run on RE2 (re2js), whose matching time is linear in the text whatever the
 * pattern: with JavaScript's backtracking engine, `/(a|aa)*b/` against a 50,000-letter title never
 * ends, and no checker of pattern shapes catches every such pattern. RE2 has no backreferences or
 * lookaround; patterns using them are refused when the sources file is read.
 */
export class ItemFilter {
  private constructor(
    private readonly include: Matcher[],
    private readonly exclude: Matcher[],
    private readonly maxAgeDays: number | undefined,
  ) {}

  /** @throws FilterTermError when a term is not usable; sources files are validated with `termProblem` first. */
  static from(filter: SourceFilter): ItemFilter {
    return new ItemFilter((filter.include ?? []).map(matcher), (filter.exclude ?? []).map(matcher), filter.maxAgeDays);
  }

  /** Why `term` cannot be a filter term, in words for the user; undefined when it can. */
  static termProblem(term: string): string | undefined {
    if (term.trim() === '') return 'must not be empty';
    const regex = REGEX_TERM.exec(term);
    if (!regex) return undefined;
    const [, pattern = '', flags = ''] = regex;
    if (pattern.length > MAX_PATTERN_LENGTH) return `regular expression longer than ${MAX_PATTERN_LENGTH} characters`;
    if (!ALLOWED_FLAGS.test(flags)) return `regular expression flags may only be i, m, s and u (got "${flags}")`;
    try {
      new RegExp(pattern, flags);
    } catch (error) {
      return `not a valid regular expression: ${(error as Error).message}`;
    }
    try {
      compile(pattern, flags);
    } catch (error) {
      const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
      const engine = 'the linear-time engine (RE2: no backreferences or lookaround)';
      return `regular expression not supported by ${engine}: ${reason}`;
    }
    return undefined;
  }

  /** The items kept, in their order. */
  apply(items: readonly Item[], now: number): Item[] {
    const oldest = this.maxAgeDays === undefined ? undefined : now - this.maxAgeDays * DAY_MS;
    return items.filter((item) => {
      if (oldest !== undefined && dateOf(item) < oldest) return false;
      if (this.include.length === 0 && this.exclude.length === 0) return true;
      const text = textOf(item);
      if (this.include.length > 0 && !this.include.some((matches) => matches(text))) return false;
      return !this.exclude.some((matches) => matches(text));
    });
  }
}

function matcher(term: string): Matcher {
  const problem = ItemFilter.termProblem(term);
  if (problem) throw new FilterTermError(`filter term ${JSON.stringify(term)}: ${problem}`);
  const regex = REGEX_TERM.exec(term);
  if (regex) {
    const expression = compile(regex[1]!, regex[2]!);
    return (text) => expression.test(text);
  }
  const keyword = term.toLowerCase();
  return (text) => text.toLowerCase().includes(keyword);
}

function compile(pattern: string, flags: string): RE2JS {
  const re2Flags = [...flags].reduce((all, flag) => all | (RE2_FLAGS[flag] ?? 0), 0);
  return RE2JS.compile(RE2JS.translateRegExp(pattern), re2Flags);
}

/** Undated items count as new: a filter cannot tell their age. */
function dateOf(item: Item): number {
  const time = Date.parse(item.date_published ?? item.date_modified ?? '');
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

function textOf(item: Item): string {
  // A tag cut in half at the end is dropped by the HTML parser, not read as text.
  const content =
    item.content_text ?? (item.content_html === undefined ? '' : plainText(item.content_html.slice(0, MAX_HTML_READ)));
  return [item.title, item.summary, content].filter(Boolean).join('\n').slice(0, MAX_TEXT_LENGTH);
}
