import { JsonPathError } from '../core/errors.js';

/**
 * A path into a JSON document, in the small subset of JSONPath that item mappings need:
 * `$.data.releases[*]`, `data.releases`, `items[0].title`, `['content:encoded']`, `.*`.
 * The leading `$` is optional.
 *
 * Written here rather than taken from a JSONPath library because we need about 1% of JSONPath,
 * and the full language is a liability in a file users edit: filter expressions (`[?(...)]`) are
 * script, and the most used implementation, jsonpath-plus, has had remote code execution bugs
 * through them (CVE-2024-21534 and a bypass of its fix, CVE-2025-1302). Here a path is only ever
 * data: keys, indexes and wildcards, evaluated by a loop.
 */
export class JsonPath {
  private constructor(
    readonly text: string,
    private readonly steps: readonly Step[],
  ) {}

  /** @throws JsonPathError naming what is wrong and where, e.g. `expected a key after "." at character 7`. */
  static parse(text: string): JsonPath {
    return new JsonPath(text, parseSteps(text));
  }

  /** Every value the path reaches, in document order; none when a key or index is absent. */
  select(document: unknown): unknown[] {
    let current: unknown[] = [document];
    for (const step of this.steps) current = current.flatMap((value) => apply(step, value));
    return current;
  }

  /** The first value the path reaches, if any. */
  first(document: unknown): unknown {
    return this.select(document)[0];
  }

  /** Whether the path ends in `[*]` or `.*`, so that each match is one element of a list. */
  get endsInWildcard(): boolean {
    return this.steps.at(-1)?.kind === 'all';
  }

  /** The path without its final wildcard: where the list itself is. */
  withoutWildcard(): JsonPath {
    return this.endsInWildcard ? new JsonPath(this.text, this.steps.slice(0, -1)) : this;
  }
}

type Step = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'all' };

/** Characters a dotted key may hold; anything else needs the bracket form `['...']`. */
const DOTTED_KEY = /^[^.[\]'"\s]+/;

function parseSteps(text: string): Step[] {
  if (text.trim() === '') throw new JsonPathError('empty path');
  const steps: Step[] = [];
  let at = 0;
  if (text.startsWith('$')) at = 1;
  else if (text[0] !== '[') at = dotted(text, 0, steps);
  while (at < text.length) {
    const char = text[at];
    if (char === '.') {
      if (text[at + 1] === '.')
        throw new JsonPathError(`recursive descent ".." is not supported (at character ${at + 1})`);
      at = dotted(text, at + 1, steps);
    } else if (char === '[') {
      at = bracketed(text, at, steps);
    } else {
      throw new JsonPathError(`expected "." or "[" at character ${at + 1}, found "${char}"`);
    }
  }
  return steps;
}

/** A key or `*` starting at `at`; returns where it ends. */
function dotted(text: string, at: number, steps: Step[]): number {
  const key = DOTTED_KEY.exec(text.slice(at))?.[0];
  if (key === undefined) {
    const found = at < text.length ? `found "${text[at]}"` : 'found the end';
    throw new JsonPathError(`expected a key after "." at character ${at + 1}, ${found}`);
  }
  steps.push(key === '*' ? { kind: 'all' } : { kind: 'key', key });
  return at + key.length;
}

/** `[n]`, `[*]`, `['key']` or `["key"]` starting at the `[` at `at`; returns where it ends. */
function bracketed(text: string, at: number, steps: Step[]): number {
  const rest = text.slice(at);
  const match = /^\[(?:(\d+)|(\*)|'([^']*)'|"([^"]*)")\]/.exec(rest);
  if (match) {
    const [whole, index, all, single, double] = match;
    if (index !== undefined) steps.push({ kind: 'index', index: Number(index) });
    else if (all !== undefined) steps.push({ kind: 'all' });
    else steps.push({ kind: 'key', key: single ?? double ?? '' });
    return at + whole.length;
  }
  const where = `at character ${at + 1}`;
  if (/^\[\s*\?/.test(rest)) throw new JsonPathError(`filters "[?(...)]" are not supported (${where})`);
  if (/^\[[^\]]*[:,]/.test(rest))
    throw new JsonPathError(`slices and unions ("[0:2]", "[0,1]") are not supported (${where})`);
  if (/^\[-/.test(rest)) throw new JsonPathError(`negative indexes are not supported (${where})`);
  throw new JsonPathError(`expected [number], [*] or ['key'] ${where}`);
}

function apply(step: Step, value: unknown): unknown[] {
  switch (step.kind) {
    case 'key':
      return isRecord(value) && Object.hasOwn(value, step.key) ? [value[step.key]] : [];
    case 'index':
      return Array.isArray(value) && step.index < value.length ? [value[step.index]] : [];
    case 'all':
      if (Array.isArray(value)) return value;
      return isRecord(value) ? Object.values(value) : [];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
