import { describe, expect, it } from 'vitest';
import type { Item } from '../../../lambda/core/model.js';
import { rememberSeen } from '../../../lambda/process/sourceState.js';

const newestFirst = (count: number): Item[] =>
  Array.from({ length: count }, (_, index) => ({ id: `item-${index}`, sourceId: 'news' }));

describe('rememberSeen', () => {
  it('keeps the newest ids when a source shows more items than are remembered', () => {
    const seen = rememberSeen([], newestFirst(2500));

    expect(seen).toHaveLength(2000);
    expect(seen).toContain('item-0');
    expect(seen).not.toContain('item-2499');
    expect(seen.at(-1)).toBe('item-0');
  });

  it('moves an id seen again to the newest end, so it outlives ids seen only long ago', () => {
    const seen = rememberSeen(['old-1', 'item-1', 'old-2'], newestFirst(2));

    expect(seen).toEqual(['old-1', 'old-2', 'item-1', 'item-0']);
  });
});
