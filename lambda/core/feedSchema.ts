import * as z from 'zod';
import { BASE_URL_RULE, normalizeBaseUrl } from './baseUrl.js';
import { httpUrl } from './httpUrl.js';

/** What the feed is called when the sources file does not say. */
export const DEFAULT_FEED_TITLE = 'Tributary';

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` });

const authorSchema = z
  .strictObject(
    { name: text(200).optional(), url: httpUrl.optional() },
    { error: 'must be an object with name and/or url' },
  )
  .refine((author) => author.name !== undefined || author.url !== undefined, { error: 'needs a name or a url' });

/** The `feed` object of the sources file: the merged feed's own identity, what a reader shows. */
export const feedSchema = z.strictObject(
  {
    /** The feed's name in readers and on the pages. */
    title: text(200).default(DEFAULT_FEED_TITLE),
    description: text(1000).optional(),
    /** Where people read the feed; unset: baseUrl (the reading page). */
    homePageUrl: httpUrl.optional(),
    /** The public URL the outputs are served from: the feeds' self links hang off it. */
    baseUrl: z
      .string({ error: 'must be a URL string' })
      .transform((url, context) => {
        const normalized = normalizeBaseUrl(url);
        if (normalized === undefined) context.issues.push({ code: 'custom', message: BASE_URL_RULE, input: url });
        return normalized ?? z.NEVER;
      })
      .optional(),
    authors: z
      .array(authorSchema, { error: 'must be a list of authors' })
      .max(20, { error: 'must list at most 20 authors' })
      .optional(),
    language: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/, { error: 'must be a language tag such as "en" or "pt-BR"' })
      .optional(),
    /** An image: JSON Feed icon and favicon, Atom icon. */
    icon: httpUrl.optional(),
    /** A WebSub hub, announced in both feeds and pinged after a run with new items. */
    hub: httpUrl.optional(),
  },
  { error: 'must be an object: title, description, homePageUrl, baseUrl, authors, language, icon, hub' },
);
export type FeedIdentity = z.output<typeof feedSchema>;

/** The identity of a sources file without a `feed` object: the schema's own defaults, not a copy of them. */
export const DEFAULT_FEED: FeedIdentity = feedSchema.parse({});

/** A source's own name, given in the sources file instead of the one its feed gives itself. */
export const sourceTitleSchema = text(200).optional();
