import { z } from 'zod';
import { InvalidInputError, messageOf } from '../core/errors.js';
import { headerValueFlaw } from '../core/headerValue.js';
import type { HeaderValue, SourcesFile, SourceType } from '../core/model.js';
import { HtmlSelector } from '../parse/htmlSelector.js';
import { JsonPath } from '../parse/jsonPath.js';
import { ItemFilter } from '../process/itemFilter.js';
import { firstIssue } from './fieldPath.js';
import { SECRETS_MANAGER_PREFIX } from './secretNames.js';

const MiB = 1024 * 1024;

function integerSetting(min: number, max: number, defaultValue: number) {
  const expected = `must be a whole number from ${min} to ${max}`;
  return z.int({ error: expected }).min(min, { error: expected }).max(max, { error: expected }).default(defaultValue);
}

const settingsSchema = z.strictObject({
  concurrency: integerSetting(1, 1024, 16),
  perHostConcurrency: integerSetting(1, 64, 4),
  timeoutMs: integerSetting(100, 15 * 60 * 1000, 10 * 1000), // 10 s
  maxBytes: integerSetting(1024, 100 * MiB, 5 * MiB),
  retries: integerSetting(0, 10, 2),
  maxItemsPerSource: integerSetting(1, 10_000, 100),
  maxItems: integerSetting(1, 100_000, 1000),
  perHostDelayMs: integerSetting(0, 60 * 1000, 0), // 0: no spacing between requests to one origin
});

const httpUrl = z.string({ error: 'must be a URL string' }).refine(
  (value) => {
    try {
      const { protocol } = new URL(value);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: 'must be http or https' },
);

const SOURCE_TYPES = ['feed', 'json', 'html'] as const satisfies readonly SourceType[];
const MAPPED_TYPES: ReadonlySet<SourceType> = new Set(['json', 'html']);
const MAPPED_FIELDS = ['id', 'url', 'title', 'date', 'content'] as const;

/** A JSON path or a CSS selector; checked against the source's type once the type is known. */
const mappingText = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(500, { error: 'must be at most 500 characters' });

const fieldsSchema = z.strictObject(
  {
    id: mappingText.optional(),
    url: mappingText.optional(),
    title: mappingText.optional(),
    date: mappingText.optional(),
    content: mappingText.optional(),
    contentType: z.enum(['html', 'text'], { error: 'must be "html" or "text"' }).optional(),
  },
  { error: 'must be an object mapping item fields' },
);

/** RFC 9110 token: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * Headers the fetch layer owns: framing and connection headers, which a wrong value would turn
 * into a broken or smuggled request, and the ones it sets for caching and decompression.
 */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-connection',
  'accept-encoding',
  'if-none-match',
  'if-modified-since',
]);
/** SSM parameter names: letters, digits, "_", ".", "-", and "/" between levels with a leading "/". */
const SSM_NAME = /^(?:[A-Za-z0-9_.-]+|(?:\/[A-Za-z0-9_.-]+)+)$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const HEADER_VALUE_SHAPE = 'must be a string, {"fromSsm": "/parameter/name"} or {"fromSecret": "secret-name"}';

const headersSchema = z
  .record(z.string(), z.unknown(), { error: 'must be an object of header names and values' })
  .superRefine((headers, context) => {
    const seen = new Set<string>();
    for (const [name, value] of Object.entries(headers)) {
      const problem = headerNameProblem(name, seen) ?? headerValueProblem(value);
      if (problem) context.addIssue({ code: 'custom', path: [name, ...problem.path], message: problem.message });
      seen.add(name.toLowerCase());
    }
  })
  .transform((headers) => headers as Record<string, HeaderValue>);

function headerNameProblem(name: string, seen: ReadonlySet<string>): { path: string[]; message: string } | undefined {
  const lower = name.toLowerCase();
  if (!HEADER_NAME.test(name)) return { path: [], message: 'not a valid header name' };
  if (RESERVED_HEADERS.has(lower)) return { path: [], message: 'set by Tributary itself; cannot be configured' };
  if (seen.has(lower)) return { path: [], message: 'given twice (header names ignore case)' };
  return undefined;
}

function headerValueProblem(value: unknown): { path: string[]; message: string } | undefined {
  if (typeof value === 'string') {
    const flaw = headerValueFlaw(value);
    if (flaw === 'line_break') return { path: [], message: 'must not contain line breaks' };
    if (flaw === 'unsendable')
      return { path: [], message: 'must hold only characters an HTTP header can carry (printable Latin-1)' };
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { path: [], message: HEADER_VALUE_SHAPE };
  const keys = Object.keys(value);
  const [key] = keys;
  if (keys.length !== 1 || (key !== 'fromSsm' && key !== 'fromSecret'))
    return { path: [], message: HEADER_VALUE_SHAPE };
  const name: unknown = (value as Record<string, unknown>)[key];
  if (key === 'fromSsm') {
    if (typeof name !== 'string' || !SSM_NAME.test(name) || name.length > 1011) {
      return { path: [key], message: 'must be an SSM parameter name such as "/tributary/token"' };
    }
    if (name.toLowerCase().startsWith(SECRETS_MANAGER_PREFIX)) {
      return { path: [key], message: 'for a Secrets Manager secret, use {"fromSecret": "<secret name>"}' };
    }
    return undefined;
  }
  if (typeof name !== 'string' || !SECRET_NAME.test(name)) {
    return { path: [key], message: 'must be a Secrets Manager secret name (letters, digits and /_+=.@-)' };
  }
  return undefined;
}

const filterTerms = z
  .array(
    z.string({ error: 'must be a keyword or /regex/flags' }).superRefine((term, context) => {
      const problem = ItemFilter.termProblem(term);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
    { error: 'must be a list of keywords or /regex/flags' },
  )
  .max(100, { error: 'must have at most 100 terms' });

const filterSchema = z.strictObject(
  {
    include: filterTerms.optional(),
    exclude: filterTerms.optional(),
    maxAgeDays: z
      .number({ error: 'must be a number of days' })
      .positive({ error: 'must be more than 0' })
      .max(36_500, { error: 'must be at most 36500 (100 years)' })
      .optional(),
  },
  { error: 'must be an object with include, exclude or maxAgeDays' },
);

const sourceSchema = z
  .strictObject({
    id: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      error: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    }),
    url: httpUrl,
    type: z.enum(SOURCE_TYPES, { error: 'must be "feed", "json" or "html"' }).default('feed'),
    items: mappingText.optional(),
    fields: fieldsSchema.optional(),
    headers: headersSchema.optional(),
    filter: filterSchema.optional(),
  })
  .superRefine((source, context) => {
    const problem = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message });
    const type = `for type "${source.type}"`;
    if (!MAPPED_TYPES.has(source.type)) {
      if (source.items !== undefined) problem(['items'], 'only for type "json" or "html"');
      if (source.fields !== undefined) problem(['fields'], 'only for type "json" or "html"');
      return;
    }
    if (source.items === undefined) return problem(['items'], `required ${type}`);
    if (source.fields === undefined) return problem(['fields'], `required ${type}`);
    if (source.fields.title === undefined && source.fields.url === undefined) {
      return problem(['fields', 'title'], `required ${type} (or give fields.url)`);
    }
    if (source.type === 'html' && source.fields.contentType !== undefined) {
      return problem(['fields', 'contentType'], 'only for type "json": html content is always HTML');
    }
    // Parsed here as they will be at run time, so a typo rejects the file instead of failing runs.
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
          problem(
            path,
            'must select the elements that are the items: a CSS selector, without "@attribute" or ":scope"',
          );
        }
      } catch (error) {
        problem(path, messageOf(error));
      }
    }
  });

const sourcesFileSchema = z
  .strictObject({
    settings: settingsSchema.default(settingsSchema.parse({})),
    sources: z
      .array(sourceSchema, { error: 'must be a list of sources' })
      .min(1, { error: 'must list at least one source' }),
  })
  .superRefine((file, context) => {
    const seen = new Set<string>();
    file.sources.forEach((source, index) => {
      if (seen.has(source.id)) {
        context.addIssue({ code: 'custom', path: ['sources', index, 'id'], message: `duplicate id "${source.id}"` });
      }
      seen.add(source.id);
    });
  });

/** The defaults every setting takes when the sources file leaves it out. */
export const DEFAULT_SETTINGS = settingsSchema.parse({});

/** Parses and validates the text of a sources file; `origin` names the file in errors. */
export function parseSourcesFile(text: string, origin: string): SourcesFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError('sources', origin, `not valid JSON (${(cause as Error).message})`, { cause });
  }
  return validateSourcesFile(json, origin);
}

/**
 * Validates a sources file as a whole: one bad field rejects the file, so a typo can never
 * silently drop a source or run with an unintended limit.
 */
export function validateSourcesFile(json: unknown, origin: string): SourcesFile {
  const result = sourcesFileSchema.safeParse(json);
  if (!result.success) {
    const { field, problem } = firstIssue(result.error);
    throw new InvalidInputError('sources', field, `${problem} (in ${origin})`);
  }
  return result.data;
}
