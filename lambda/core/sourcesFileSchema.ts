// The sources file's shape, its limits and its defaults, written once: the types every stage
// uses are inferred from this schema, and docs/sources.md is tested against it. The checks that
// need the parsers (JSON paths, CSS selectors, filter regexes) are added by input/sourcesFile.ts,
// which keeps core/ free of imports from the stages above it.
import * as z from 'zod';
import { feedSchema, sourceTitleSchema } from './feedSchema.js';
import { headerValueFlaw } from './headerValue.js';
import { httpUrl } from './httpUrl.js';

const MiB = 1024 * 1024;

function integerSetting(min: number, max: number, defaultValue: number) {
  const expected = `must be a whole number from ${min} to ${max}`;
  return z.int({ error: expected }).min(min, { error: expected }).max(max, { error: expected }).default(defaultValue);
}

export const settingsSchema = z.strictObject({
  /** Requests in flight at once, in total. */
  concurrency: integerSetting(1, 1024, 16),
  /** Requests in flight at once per origin (scheme + host + port). */
  perHostConcurrency: integerSetting(1, 64, 4),
  /** One attempt, from connecting to the last body byte, in ms. */
  timeoutMs: integerSetting(100, 15 * 60 * 1000, 10 * 1000), // 10 s
  /** Response body cap in bytes, counted after decompression. */
  maxBytes: integerSetting(1024, 100 * MiB, 5 * MiB),
  /** Further attempts after the first, for network errors, 408, 429 and 5xx. */
  retries: integerSetting(0, 10, 2),
  /** Newest items kept per source. */
  maxItemsPerSource: integerSetting(1, 10_000, 100),
  /** Items in the published feed. */
  maxItems: integerSetting(1, 100_000, 1000),
  /** Least time between the starts of two requests to one origin, in ms. */
  perHostDelayMs: integerSetting(0, 60 * 1000, 0), // 0: no spacing between requests to one origin
  /**
   * How far past the run's start an item's date may lie, in hours, before it counts as wrong:
   * outside 1970-01-01 … now + this, an item is published undated (see parse/dateWindow.ts).
   */
  futureDateToleranceHours: integerSetting(0, 24 * 366, 24), // 1 day: clocks and zones a little off
});

/**
 * `feed`: RSS, Atom or JSON Feed; `json`: a JSON API read through `items` and `fields`; `html`: a
 * web page read through CSS selectors.
 */
const sourceType = z.enum(['feed', 'json', 'html'], { error: 'must be "feed", "json" or "html"' });
export type SourceType = z.output<typeof sourceType>;
/** The types whose items are found through `items` and `fields`. */
export const MAPPED_TYPES: ReadonlySet<SourceType> = new Set(['json', 'html']);
/** The fields of `fields` that hold a JSON path or a CSS selector. */
export const MAPPED_FIELDS = ['id', 'url', 'title', 'date', 'content'] as const;

/** A JSON path or a CSS selector; checked against the source's type once the type is known. */
const mappingText = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(500, { error: 'must be at most 500 characters' });

/**
 * Where each field of an item is found inside one element of the item list: a path into the
 * item object (type json) or a CSS selector inside the item element, `selector@attribute` for an
 * attribute (type html).
 */
const fieldsSchema = z.strictObject(
  {
    id: mappingText.optional(),
    url: mappingText.optional(),
    title: mappingText.optional(),
    date: mappingText.optional(),
    content: mappingText.optional(),
    /** type json: how to read `content`; unset reads it as text. */
    contentType: z.enum(['html', 'text'], { error: 'must be "html" or "text"' }).optional(),
  },
  { error: 'must be an object mapping item fields' },
);
export type ItemFields = z.output<typeof fieldsSchema>;

/** Parameter Store's read-only path to Secrets Manager: one SSM call reads both kinds of secret. */
export const SECRETS_MANAGER_PREFIX = '/aws/reference/secretsmanager/';

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

/** A header value written out, or the name of a secret read at run time and never written anywhere. */
const headerValue = z.union([
  z.string(),
  z.strictObject({ fromSsm: z.string() }),
  z.strictObject({ fromSecret: z.string() }),
]);
export type HeaderValue = z.output<typeof headerValue>;

// Checked by hand first, for messages that say what a header value may be; the record after the
// pipe only gives the result its type, and always passes.
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
  .pipe(z.record(z.string(), headerValue));

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

/** Case-insensitive keywords or `/regex/flags`; whether a regex is usable is input/sourcesFile.ts's check. */
const filterTerms = z
  .array(z.string({ error: 'must be a keyword or /regex/flags' }), {
    error: 'must be a list of keywords or /regex/flags',
  })
  .max(100, { error: 'must have at most 100 terms' });

/** Which items of a source are kept. */
const filterSchema = z.strictObject(
  {
    /** Keep an item only if its title, summary or content matches one of these. */
    include: filterTerms.optional(),
    /** Drop an item whose title, summary or content matches one of these. */
    exclude: filterTerms.optional(),
    /** Drop dated items published longer ago than this, in days. */
    maxAgeDays: z
      .number({ error: 'must be a number of days' })
      .positive({ error: 'must be more than 0' })
      .max(36_500, { error: 'must be at most 36500 (100 years)' })
      .optional(),
  },
  { error: 'must be an object with include, exclude or maxAgeDays' },
);
export type SourceFilter = z.output<typeof filterSchema>;

const sourceSchema = z
  .strictObject({
    id: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      error: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    }),
    url: httpUrl,
    type: sourceType.default('feed'),
    /** type json: a path to the list of items; type html: a CSS selector matching each item. */
    items: mappingText.optional(),
    /** type json and html: where each item's fields are. */
    fields: fieldsSchema.optional(),
    /** Sent with every request for this source. */
    headers: headersSchema.optional(),
    filter: filterSchema.optional(),
    /** The source's name in the outputs; unset: the title its feed gives itself, else the id. */
    title: sourceTitleSchema,
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
  });

/** A sources file's shape; input/sourcesFile.ts adds the checks that need the parsers. */
export const sourcesFileSchema = z
  .strictObject({
    settings: settingsSchema.prefault({}),
    /** Who publishes the merged feed, and where; unset: a feed titled "Tributary" with no public address. */
    feed: feedSchema.optional(),
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

export type SourcesFile = z.output<typeof sourcesFileSchema>;
export type Source = SourcesFile['sources'][number];
export type Settings = SourcesFile['settings'];

/** The defaults every setting takes when the sources file leaves it out. */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze(settingsSchema.parse({}));
