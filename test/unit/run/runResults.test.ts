import { describe, expect, it } from 'vitest';
import type { Item, SourcesFile } from '../../../lambda/core/model.js';
import { MAX_NEW_ITEMS_LISTED } from '../../../lambda/core/model.js';
import { mergeItems } from '../../../lambda/merge/merge.js';
import { NewestNewItems } from '../../../lambda/run/runResults.js';

const SOURCES = 60;
const ids = Array.from({ length: SOURCES }, (_, n) => `source-${n}`);
const sourcesFile = { sources: ids.map((id) => ({ id })) } as SourcesFile;

/** A few new items per source, some undated, many sharing a date; with `shared`, one article syndicated by several. */
function newItemsOf(id: string, n: number, shared = false): Item[] {
  return Array.from({ length: n % 4 }, (_, k) => ({
    id: `${id}/${k}`,
    url: shared && k === 0 && n % 7 === 0 ? 'https://shared.example/story' : `https://${id}.example/${k}`,
    title: `${id} #${k}`,
    sourceId: id,
    ...(k < 2 && { date_published: new Date(Date.UTC(2026, 10, 1 + ((n * 7 + k) % 9))).toISOString() }),
  }));
}

describe('NewestNewItems', () => {
  it('keeps, from sources met in any order some at a time, what merging them all at once in file order keeps', () => {
    // Prepare
    const all = ids.map((id, n) => [id, { newItems: newItemsOf(id, n) }] as const);
    const shuffled = [...all].sort(
      (a, b) =>
        ((a[0].length * 31 + Number(a[0].slice(7)) * 17) % 11) - ((b[0].length * 31 + Number(b[0].slice(7)) * 17) % 11),
    );
    const newest = new NewestNewItems(sourcesFile);

    // Act
    for (let start = 0; start < SOURCES; start += 7) newest.add(shuffled.slice(start, start + 7));

    // Assess
    const atOnce = mergeItems(
      all.map(([, { newItems }]) => newItems),
      { maxItems: MAX_NEW_ITEMS_LISTED },
    );
    expect(atOnce).toHaveLength(MAX_NEW_ITEMS_LISTED);
    expect(newest.items).toEqual(atOnce);
  });

  it('lists an article several sources syndicate once, in its newest version', () => {
    // Prepare
    const newest = new NewestNewItems(sourcesFile);

    // Act
    for (let start = 0; start < SOURCES; start += 7) {
      newest.add(
        ids.slice(start, start + 7).map((id) => [id, { newItems: newItemsOf(id, Number(id.slice(7)), true) }]),
      );
    }

    // Assess
    const shared = newest.items.filter(({ url }) => url === 'https://shared.example/story');
    expect(shared).toHaveLength(1);
    expect(shared[0]?.date_published).toBe(
      ids
        .filter((_, n) => n % 7 === 0 && n % 4 !== 0)
        .map((id) => newItemsOf(id, Number(id.slice(7)), true)[0]!.date_published!)
        .sort()
        .at(-1),
    );
  });
});
