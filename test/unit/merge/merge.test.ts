import { describe, expect, it } from 'vitest';
import type { Item } from '../../../lambda/core/model.js';
import { mergeItems } from '../../../lambda/merge/merge.js';
import { aBareItem, NO_ITEM_LIMIT } from '../../support/builders/items.js';

function idsOf(items: Item[]): string[] {
  return items.map((item) => item.id);
}

describe('mergeItems', () => {
  it('keeps one item per id across lists', () => {
    // Prepare
    const first = aBareItem({ id: 'https://x.example/1', sourceId: 'a', date_published: '2024-01-01T00:00:00Z' });
    const copy = aBareItem({ id: 'https://x.example/1', sourceId: 'b', date_published: '2024-01-01T00:00:00Z' });

    // Act
    const merged = mergeItems([[first], [copy]], NO_ITEM_LIMIT);

    // Assess
    expect(merged).toEqual([first]);
  });

  it("keeps the more recently modified version of a duplicate, in the first one's place", () => {
    // Prepare
    const old = aBareItem({ id: 'urn:x:1', title: 'old', date_published: '2024-01-01T00:00:00Z' });
    const updated = aBareItem({
      id: 'urn:x:1',
      title: 'updated',
      date_published: '2024-01-01T00:00:00Z',
      date_modified: '2024-01-05T00:00:00Z',
    });
    const undated = aBareItem({ id: 'urn:x:2' });

    // Act
    const merged = mergeItems([[old, undated], [updated]], NO_ITEM_LIMIT);

    // Assess
    expect(merged.map((item) => item.title)).toEqual(['updated', 'urn:x:2']);
  });

  it('keeps the first one seen when duplicates are equally recent', () => {
    // Prepare
    const first = aBareItem({ id: 'urn:x:1', title: 'first', date_published: '2024-01-01T00:00:00Z' });
    const second = aBareItem({ id: 'urn:x:1', title: 'second', date_published: '2024-01-01T00:00:00Z' });

    // Act
    const merged = mergeItems([[first, second]], NO_ITEM_LIMIT);

    // Assess
    expect(merged.map((item) => item.title)).toEqual(['first']);
  });

  it.each([
    ['scheme and host case', 'HTTPS://Blog.Example/post', 'https://blog.example/post'],
    ['fragment', 'https://blog.example/post#comments', 'https://blog.example/post'],
    ['default port', 'https://blog.example:443/post', 'https://blog.example/post'],
    ['utm_* parameters', 'https://blog.example/post?utm_source=rss&utm_medium=feed', 'https://blog.example/post'],
    [
      'click ids, keeping real parameters',
      'https://blog.example/post?id=7&fbclid=abc&gclid=def',
      'https://blog.example/post?id=7',
    ],
    ['trailing slash', 'https://blog.example/post/', 'https://blog.example/post'],
  ])('treats URLs differing only in %s as one item across sources', (_, urlA, urlB) => {
    // Prepare
    const fromA = aBareItem({ id: 'a:1', sourceId: 'a', url: urlA, date_published: '2024-01-01T00:00:00Z' });
    const fromB = aBareItem({ id: 'b:9', sourceId: 'b', url: urlB, date_published: '2024-01-01T00:00:00Z' });

    // Act
    const merged = mergeItems([[fromA], [fromB]], NO_ITEM_LIMIT);

    // Assess
    expect(idsOf(merged)).toEqual(['a:1']);
  });

  it('keeps items whose URLs differ in a parameter that is not tracking', () => {
    // Prepare
    const one = aBareItem({ id: 'a:1', sourceId: 'a', url: 'https://x.example/post?id=1' });
    const two = aBareItem({ id: 'b:2', sourceId: 'b', url: 'https://x.example/post?id=2' });

    // Act
    const merged = mergeItems([[one], [two]], NO_ITEM_LIMIT);

    // Assess
    expect(idsOf(merged)).toEqual(['a:1', 'b:2']);
  });

  it('keeps items of one source that share a URL but have their own ids', () => {
    // Prepare: podcast episodes that all link to the show's home page
    const episodes = [1, 2, 3].map((n) =>
      aBareItem({ id: `show:${n}`, sourceId: 'show', url: 'https://show.example/' }),
    );

    // Act
    const merged = mergeItems([episodes], NO_ITEM_LIMIT);

    // Assess
    expect(idsOf(merged)).toEqual(['show:1', 'show:2', 'show:3']);
  });

  it('keeps namespaced ids of different sources apart even when the feeds used the same id', () => {
    // Prepare: both feeds call their first post "1"; normalizeFeed namespaced them
    const fromA = aBareItem({ id: 'alpha:1', sourceId: 'alpha', url: 'https://alpha.example/1' });
    const fromB = aBareItem({ id: 'beta:1', sourceId: 'beta', url: 'https://beta.example/1' });

    // Act
    const merged = mergeItems([[fromA], [fromB]], NO_ITEM_LIMIT);

    // Assess
    expect(idsOf(merged)).toEqual(['alpha:1', 'beta:1']);
  });

  it('orders newest first by date_published, falling back to date_modified', () => {
    // Prepare
    const items = [
      aBareItem({ id: 'urn:old', date_published: '2024-01-01T00:00:00Z' }),
      aBareItem({ id: 'urn:modified-only', date_modified: '2024-01-03T00:00:00Z' }),
      aBareItem({ id: 'urn:new', date_published: '2024-01-05T00:00:00Z', date_modified: '2023-01-01T00:00:00Z' }),
    ];

    // Act
    const merged = mergeItems([items], NO_ITEM_LIMIT);

    // Assess
    expect(idsOf(merged)).toEqual(['urn:new', 'urn:modified-only', 'urn:old']);
  });

  it('puts undated items after dated ones, in their input order, across lists', () => {
    // Prepare
    const listA = [
      aBareItem({ id: 'urn:u1' }),
      aBareItem({ id: 'urn:d1', date_published: '2024-01-01T00:00:00Z' }),
      aBareItem({ id: 'urn:u2' }),
    ];
    const listB = [
      aBareItem({ id: 'urn:u3', sourceId: 'b' }),
      aBareItem({ id: 'urn:d2', sourceId: 'b', date_published: '2023-01-01T00:00:00Z' }),
    ];

    // Act
    const merged = mergeItems([listA, listB], NO_ITEM_LIMIT);

    // Assess
    expect(idsOf(merged)).toEqual(['urn:d1', 'urn:d2', 'urn:u1', 'urn:u2', 'urn:u3']);
  });

  it('keeps equally dated items in input order', () => {
    // Prepare
    const same = '2024-01-01T00:00:00Z';
    const items = ['urn:c', 'urn:a', 'urn:b'].map((id) => aBareItem({ id, date_published: same }));

    // Act
    const merged = mergeItems([items], NO_ITEM_LIMIT);

    // Assess
    expect(idsOf(merged)).toEqual(['urn:c', 'urn:a', 'urn:b']);
  });

  it('caps the result at maxItems, keeping the newest', () => {
    // Prepare
    const items = Array.from({ length: 10 }, (_, day) =>
      aBareItem({ id: `urn:${day}`, date_published: new Date(Date.UTC(2024, 0, day + 1)).toISOString() }),
    );

    // Act
    const merged = mergeItems([items], { maxItems: 3 });

    // Assess
    expect(idsOf(merged)).toEqual(['urn:9', 'urn:8', 'urn:7']);
  });

  it('does not modify its inputs', () => {
    // Prepare
    const list = [aBareItem({ id: 'urn:1' }), aBareItem({ id: 'urn:2', date_published: '2024-01-01T00:00:00Z' })];
    const snapshot = structuredClone(list);

    // Act
    mergeItems([list, list], { maxItems: 1 });

    // Assess
    expect(list).toEqual(snapshot);
  });

  it('rejects a maxItems that is not a non-negative integer', () => {
    // Act
    const act = () => mergeItems([], { maxItems: -1 });

    // Assess
    expect(act).toThrow('Expected `maxItems` to be a non-negative integer, got `-1` (number)');
  });
});
