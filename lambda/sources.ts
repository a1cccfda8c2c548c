import { z } from 'zod';
import { InvalidInputError } from './errors.js';
import { firstIssue } from './fieldPath.js';
import type { SourcesFile } from './model.js';

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

const sourceSchema = z.strictObject({
  id: z
    .string({ error: 'must be a string' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      error: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    }),
  url: httpUrl,
  type: z.literal('feed', { error: 'must be "feed"' }).default('feed'),
});

const sourcesFileSchema = z
  .strictObject({
    settings: settingsSchema.default(settingsSchema.parse({})),
    sources: z.array(sourceSchema, { error: 'must be a list of sources' }).min(1, { error: 'must list at least one source' }),
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
