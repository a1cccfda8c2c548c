// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) as a zod schema: what the spec requires,
// the type of every field it defines, and no other key but extensions (names starting with "_").
// Strict on purpose, so a misspelt field such as `homepage_url` fails instead of passing unseen.
import { z } from 'zod';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i;

const url = z.url();
const date = z.string().regex(RFC3339, 'must be an RFC 3339 date-time');

/** Keys the spec does not define are allowed only as extensions: "_" then a letter. */
function withExtensions<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object(shape)
    .catchall(z.unknown())
    .superRefine((value, context) => {
      for (const key of Object.keys(value)) {
        if (!(key in shape) && !/^_[A-Za-z]/.test(key)) {
          context.addIssue({ code: 'custom', path: [key], message: 'not a JSON Feed 1.1 field nor an extension' });
        }
      }
    });
}

const author = withExtensions({
  name: z.string().optional(),
  url: url.optional(),
  avatar: url.optional(),
}).refine((value) => value.name !== undefined || value.url !== undefined || value.avatar !== undefined, {
  message: 'an author object must have at least one of name, url, avatar',
});

const attachment = withExtensions({
  url,
  mime_type: z.string(),
  title: z.string().optional(),
  size_in_bytes: z.number().optional(),
  duration_in_seconds: z.number().optional(),
});

const item = withExtensions({
  id: z.string().min(1),
  url: url.optional(),
  external_url: url.optional(),
  title: z.string().optional(),
  content_html: z.string().optional(),
  content_text: z.string().optional(),
  summary: z.string().optional(),
  image: url.optional(),
  banner_image: url.optional(),
  date_published: date.optional(),
  date_modified: date.optional(),
  authors: z.array(author).optional(),
  tags: z.array(z.string()).optional(),
  language: z.string().optional(),
  attachments: z.array(attachment).optional(),
}).refine((value) => value.content_html !== undefined || value.content_text !== undefined, {
  message: 'an item must have content_html or content_text',
});

export const jsonFeed11 = withExtensions({
  version: z.literal('https://jsonfeed.org/version/1.1'),
  title: z.string(),
  home_page_url: url.optional(),
  feed_url: url.optional(),
  description: z.string().optional(),
  user_comment: z.string().optional(),
  next_url: url.optional(),
  icon: url.optional(),
  favicon: url.optional(),
  authors: z.array(author).optional(),
  language: z.string().optional(),
  expired: z.boolean().optional(),
  hubs: z.array(withExtensions({ type: z.string(), url })).optional(),
  items: z.array(item),
});

/** Every way `text` falls short of JSON Feed 1.1, as "path: message" lines; empty when it is valid. */
export function jsonFeedViolations(text: string): string[] {
  const result = jsonFeed11.safeParse(JSON.parse(text));
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}
