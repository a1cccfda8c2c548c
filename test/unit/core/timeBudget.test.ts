import { describe, expect, it } from 'vitest';
import { deadlineForFetching } from '../../../lambda/core/timeBudget.js';

describe('deadlineForFetching', () => {
  it.each([
    ['a 5-minute function keeps 30 s, the most, for writing and publishing', 300_000, 270_000],
    ['a 1-minute function keeps a fifth', 60_000, 48_000],
    ['a 10-second function keeps 3 s, the least', 10_000, 7_000],
    ['under 3 s left, fetching nothing and still reporting', 2_000, 0],
    ['past its deadline already, still not before the start', -1_000, 0],
  ])('%s', (_, remainingMs, fetchMs) => {
    const startedAt = 1_700_000_000_000;

    expect(deadlineForFetching(startedAt, startedAt + remainingMs)).toBe(startedAt + fetchMs);
  });
});
