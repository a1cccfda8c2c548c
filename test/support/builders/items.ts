// Items as tests need them: each builder returns a valid item, and a test overrides only what it
// is about.
import type { Item } from '../../../lambda/core/model.js';

/** No cap on the items a merge or parse keeps, for tests about something else. */
export const NO_ITEM_LIMIT = { maxItems: Number.MAX_SAFE_INTEGER };

/** A complete item as a feed delivers it, with content and a date, from the source `example`. */
export function anItem(overrides: Partial<Item> = {}): Item {
  return {
    id: 'https://example.com/posts/1',
    url: 'https://example.com/posts/1',
    title: 'First post',
    content_html: '<p>Hello</p>',
    date_published: '2025-03-01T10:00:00Z',
    sourceId: 'example',
    ...overrides,
  };
}

/** An item with nothing but its id (which is also its title) and source: no URL or date to dedupe or order by. */
export function aBareItem(overrides: Partial<Item> & Pick<Item, 'id'>): Item {
  return { sourceId: 'a', title: overrides.id, ...overrides };
}

/** `count` distinct items, newest first, one hour apart, from the source `example`. */
export function manyItems(count: number): Item[] {
  return Array.from({ length: count }, (_, index) =>
    anItem({
      id: `https://example.com/posts/${index}`,
      url: `https://example.com/posts/${index}`,
      title: `Post number ${index}`,
      date_published: new Date(Date.UTC(2025, 2, 1) - index * 3_600_000).toISOString(),
    }),
  );
}
