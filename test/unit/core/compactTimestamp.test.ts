import { describe, expect, it } from 'vitest';
import { compactTimestamp } from '../../../lambda/core/compactTimestamp.js';

describe('compactTimestamp', () => {
  it('writes a time to the second in UTC, whatever the offset or precision it came with', () => {
    expect(compactTimestamp('2026-11-26T06:00:00.987+01:00')).toBe('20261126T050000Z');
    expect(compactTimestamp(Date.UTC(2026, 10, 26, 5, 0, 0, 987))).toBe('20261126T050000Z');
  });

  it('sorts as the times do', () => {
    const times = ['2026-11-26T05:00:09Z', '2026-11-26T05:00:10Z', '2027-01-01T00:00:00Z'];

    expect(times.map(compactTimestamp).sort()).toEqual(times.map(compactTimestamp));
  });
});
