import { describe, expect, it } from 'vitest';
import type { Item } from '../../../lambda/core/model.js';
import { KEPT_ITEMS_FOLDER } from '../../../lambda/core/storageLayout.js';
import { type MergeOptions, mergeItems, mergeKeyOf, mergeKeys } from '../../../lambda/merge/merge.js';
import { keepItems, mergeKeysOf } from '../../../lambda/process/keptItems.js';
import { aBareItem, NO_ITEM_LIMIT } from '../../support/builders/items.js';

/** What a run publishes when it merges on kept digests and reads back the picked items. */
function mergeKept(sources: Record<string, Item[]>, options: MergeOptions): Item[] {
  const lists = Object.entries(sources);
  const keys = lists.map(([sourceId, items]) => mergeKeysOf(sourceId, keepItems(sourceId, items).kept));
  return mergeKeys(keys, options).map(({ list, index }) => lists[list]![1][index]!);
}

describe('keepItems', () => {
  const items = [
    aBareItem({
      id: 'news:1',
      sourceId: 'news',
      url: 'https://news.example/1',
      content_html: '<p>One</p>',
      date_published: '2024-01-02T00:00:00Z',
    }),
    aBareItem({ id: 'news:2', sourceId: 'news', content_text: 'Two' }),
  ];

  it('gives equal items, fetched again, the same key under the source folder, and says they need no write', () => {
    // Act
    const first = keepItems('news', items);
    const again = keepItems('news', structuredClone(items), first.kept);

    // Assess
    expect(again.kept.key).toBe(first.kept.key);
    expect(first.kept.key).toMatch(new RegExp(`^${KEPT_ITEMS_FOLDER}news/[\\w-]+\\.json$`));
    expect(JSON.parse(again.fresh.text)).toEqual(items);
    expect([first.fresh.unchanged, again.fresh.unchanged]).toEqual([false, true]);
    expect(keepItems('news', items.slice(1), first.kept).fresh.unchanged).toBe(false);
  });

  it.each([
    ['a changed content', [{ ...items[0]!, content_html: '<p>One, corrected</p>' }, items[1]!]],
    ['a changed date', [{ ...items[0]!, date_modified: '2024-01-03T00:00:00Z' }, items[1]!]],
    ['one item fewer', [items[0]!]],
    ['the same items in another order', [items[1]!, items[0]!]],
  ])('gives items with %s another key', (_, changed) => {
    // Act
    const key = keepItems('news', changed).kept.key;

    // Assess
    expect(key).not.toBe(keepItems('news', items).kept.key);
  });

  it("keeps another source's equal items apart", () => {
    // Act
    const elsewhere = keepItems('mirror', items).kept.key;

    // Assess
    expect(elsewhere).not.toBe(keepItems('news', items).kept.key);
    expect(elsewhere.startsWith(`${KEPT_ITEMS_FOLDER}mirror/`)).toBe(true);
  });

  it('keeps digests that turn back into the merge keys of the items, undated ones at -Infinity', () => {
    // Prepare
    const kept = [
      aBareItem({
        id: 'urn:dated',
        sourceId: 'blog',
        url: 'HTTPS://Blog.Example/post/?utm_source=rss#top',
        date_published: '2024-01-01T00:00:00Z',
        date_modified: '2024-01-05T00:00:00Z',
      }),
      aBareItem({ id: 'urn:modified-only', sourceId: 'blog', date_modified: '2024-01-03T00:00:00Z' }),
      aBareItem({ id: 'urn:undated', sourceId: 'blog', url: 'https://blog.example/undated' }),
      aBareItem({ id: 'urn:unparseable', sourceId: 'blog', url: 'not a url', date_published: 'yesterday' }),
    ];

    // Act
    const roundTripped = mergeKeysOf('blog', JSON.parse(JSON.stringify(keepItems('blog', kept).kept)));

    // Assess
    expect(roundTripped).toStrictEqual(kept.map(mergeKeyOf));
    expect(roundTripped[2]).toMatchObject({
      versionTime: Number.NEGATIVE_INFINITY,
      sortTime: Number.NEGATIVE_INFINITY,
    });
  });
});

describe('merging on kept digests', () => {
  it.each<[string, Record<string, Item[]>, MergeOptions]>([
    [
      'one id in two sources, the later one modified more recently',
      {
        a: [
          aBareItem({ id: 'urn:x:1', sourceId: 'a', title: 'old', date_published: '2024-01-01T00:00:00Z' }),
          aBareItem({ id: 'urn:x:2', sourceId: 'a' }),
        ],
        b: [
          aBareItem({
            id: 'urn:x:1',
            sourceId: 'b',
            title: 'updated',
            date_published: '2024-01-01T00:00:00Z',
            date_modified: '2024-01-05T00:00:00Z',
          }),
        ],
      },
      NO_ITEM_LIMIT,
    ],
    [
      'one id in two sources, equally recent',
      {
        a: [
          aBareItem({
            id: 'https://x.example/1',
            sourceId: 'a',
            title: 'first',
            date_published: '2024-01-01T00:00:00Z',
          }),
        ],
        b: [
          aBareItem({
            id: 'https://x.example/1',
            sourceId: 'b',
            title: 'second',
            date_published: '2024-01-01T00:00:00Z',
          }),
        ],
      },
      NO_ITEM_LIMIT,
    ],
    [
      'one canonical URL in two sources under different ids',
      {
        a: [
          aBareItem({
            id: 'a:1',
            sourceId: 'a',
            url: 'HTTPS://Blog.Example:443/post/?utm_source=rss#comments',
            date_published: '2024-01-01T00:00:00Z',
          }),
        ],
        b: [
          aBareItem({
            id: 'b:9',
            sourceId: 'b',
            url: 'https://blog.example/post',
            date_published: '2024-01-01T00:00:00Z',
            date_modified: '2024-01-02T00:00:00Z',
          }),
          aBareItem({
            id: 'b:10',
            sourceId: 'b',
            url: 'https://blog.example/post?id=7',
            date_published: '2024-01-03T00:00:00Z',
          }),
        ],
      },
      NO_ITEM_LIMIT,
    ],
    [
      'one URL shared by items of a single source',
      { show: [1, 2, 3].map((n) => aBareItem({ id: `show:${n}`, sourceId: 'show', url: 'https://show.example/' })) },
      NO_ITEM_LIMIT,
    ],
    [
      'undated items among dated ones across sources',
      {
        a: [
          aBareItem({ id: 'urn:u1', sourceId: 'a' }),
          aBareItem({ id: 'urn:d1', sourceId: 'a', date_published: '2024-01-01T00:00:00Z' }),
          aBareItem({ id: 'urn:u2', sourceId: 'a' }),
        ],
        b: [
          aBareItem({ id: 'urn:u3', sourceId: 'b' }),
          aBareItem({ id: 'urn:d2', sourceId: 'b', date_modified: '2023-01-01T00:00:00Z' }),
        ],
      },
      NO_ITEM_LIMIT,
    ],
    [
      'a cap that cuts between equally dated items of two sources',
      {
        a: ['urn:c', 'urn:a'].map((id) => aBareItem({ id, sourceId: 'a', date_published: '2024-01-01T00:00:00Z' })),
        b: [
          aBareItem({ id: 'urn:b', sourceId: 'b', date_published: '2024-01-01T00:00:00Z' }),
          aBareItem({ id: 'urn:newest', sourceId: 'b', date_published: '2024-02-01T00:00:00Z' }),
        ],
      },
      { maxItems: 3 },
    ],
  ])('picks the same items as merging the items themselves: %s', (_, sources, options) => {
    // Act
    const fromDigests = mergeKept(sources, options);

    // Assess
    expect(fromDigests).toEqual(mergeItems(Object.values(sources), options));
  });
});
