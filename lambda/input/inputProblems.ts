import type * as z from 'zod';
import { closestMatch } from '../core/closestMatch.js';
import { InvalidInputError } from '../core/errors.js';
import { fieldPath } from './fieldPath.js';

/** One thing wrong with an input, at the field it concerns. */
export interface InputProblem {
  field: string;
  problem: string;
}

/** Beyond this many, a list of problems stops helping: the rest are counted instead. */
export const MAX_PROBLEMS_LISTED = 20;

/**
 * Every problem zod found in `input`, in words: unknown keys with the key they were probably
 * meant to be, and a missing field as "required" rather than as the wrong type. A missing key that
 * an unknown key's hint already names is not reported twice (`"ur"` → did you mean `"url"`?).
 */
export function inputProblems(error: z.ZodError, schema: z.ZodType, input: unknown, root = ''): InputProblem[] {
  const hinted = new Set<string>();
  const unknownKeys: InputProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = knownKeysAt(schema, issue.path);
    for (const key of issue.keys) {
      const match = closestMatch(key, known);
      if (match !== undefined) hinted.add(fieldPath([...issue.path, match], root));
      const hint = match === undefined ? '' : ` (did you mean "${match}"?)`;
      unknownKeys.push({ field: fieldPath([...issue.path, key], root), problem: `unknown key${hint}` });
    }
  }
  const problems: InputProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') continue;
    const field = fieldPath(issue.path, root);
    const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    if (missing && hinted.has(field)) continue;
    problems.push({ field, problem: missing ? 'required' : issue.message });
  }
  // Sorted by field, so the problems of one source sit together.
  return [...problems, ...unknownKeys].sort((a, b) => compareFields(a.field, b.field));
}

/**
 * One error naming every problem: a single problem reads as before (`sources[3].url: must be
 * http or https (in FILE)`), several as a list under a count, up to MAX_PROBLEMS_LISTED.
 */
export function invalidInput(
  kind: 'config' | 'event' | 'sources',
  problems: readonly InputProblem[],
  origin?: string,
): InvalidInputError {
  const where = origin === undefined ? '' : ` (in ${origin})`;
  const [first] = problems;
  if (first === undefined) return new InvalidInputError(kind, origin ?? kind, 'invalid');
  if (problems.length === 1) return new InvalidInputError(kind, first.field, `${first.problem}${where}`);
  const listed = problems.slice(0, MAX_PROBLEMS_LISTED).map(({ field, problem }) => `\n  ${field}: ${problem}`);
  const more = problems.length - listed.length;
  return new InvalidInputError(
    kind,
    origin ?? kind,
    `${problems.length} problems${listed.join('')}${more > 0 ? `\n  … and ${more} more` : ''}`,
  );
}

/** Parses `input` with `schema`, or throws one error naming every problem. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  input: unknown,
  kind: 'config' | 'event' | 'sources',
  root = '',
  origin?: string,
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(kind, inputProblems(result.error, schema, input, root), origin);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The keys an object schema at `path` accepts, looking through optional, default, pipe and arrays. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const key of path) {
    const def: Record<string, unknown> | undefined = current?._zod.def as Record<string, unknown> | undefined;
    if (def?.type === 'object') current = (def.shape as Record<string, z.ZodType>)[String(key)];
    else if (def?.type === 'array') current = def.element as z.ZodType;
    else if (def?.type === 'record') current = def.valueType as z.ZodType;
    else return [];
    current = current && unwrap(current);
  }
  const def = current?._zod.def as Record<string, unknown> | undefined;
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as unknown as Record<string, unknown>;
    if (def.innerType) current = def.innerType as z.ZodType;
    else if (def.type === 'pipe') current = def.in as z.ZodType;
    else return current;
  }
}

/** `sources[2].url` before `sources[10].id`: numbers compare as numbers. */
function compareFields(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
