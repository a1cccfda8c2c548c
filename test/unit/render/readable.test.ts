import { describe, expect, it } from 'vitest';
import { readableBytes, readableDuration, readableTime } from '../../../lambda/render/readable.js';

describe('readableDuration', () => {
  it.each([
    [0, '0 ms'],
    [999, '999 ms'],
    [999.7, '1.0 s'],
    [2500, '2.5 s'],
    [59_940, '59.9 s'],
    [59_960, '1 min 0 s'],
    [119_600, '2 min 0 s'],
    [185_000, '3 min 5 s'],
  ])('shows %d ms as "%s", never "60 s" in a minute', (ms, text) => {
    expect(readableDuration(ms)).toBe(text);
  });
});

describe('readableTime', () => {
  it('shows an RFC 3339 time in UTC to the minute, whatever its offset', () => {
    expect(readableTime('2025-03-01T12:05:59+02:00')).toBe('2025-03-01 10:05 UTC');
  });

  it('returns text that is not a date as it is', () => {
    expect(readableTime('yesterday-ish')).toBe('yesterday-ish');
  });
});

describe('readableBytes', () => {
  it.each([
    [812, '812 B'],
    [1024, '1.0 KB'],
    [20_480, '20.0 KB'],
    [5_242_880, '5.0 MB'],
  ])('shows %d bytes as "%s"', (bytes, text) => {
    expect(readableBytes(bytes)).toBe(text);
  });
});
