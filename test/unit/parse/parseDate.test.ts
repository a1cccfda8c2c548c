import { describe, expect, it } from 'vitest';

import { dateWindow } from '../../../lambda/parse/dateWindow.js';
import { parseDate } from '../../../lambda/parse/parseDate.js';

describe('parseDate', () => {
  it.each([
    ['RFC 822 with GMT', 'Wed, 31 Jan 2018 20:15:15 GMT', '2018-01-31T20:15:15.000Z'],
    ['RFC 822 with a numeric zone', 'Mon, 07 Jan 2019 18:12:17 +0100', '2019-01-07T17:12:17.000Z'],
    ['RFC 822 with EST', 'Wed, 31 Jan 2018 20:15:15 EST', '2018-02-01T01:15:15.000Z'],
    ['RFC 822 with PDT', 'Fri, 13 May 2016 08:14:05 PDT', '2016-05-13T15:14:05.000Z'],
    ['RFC 822 with CEST, unknown to V8', 'Thu, 14 Jun 2018 09:00:00 CEST', '2018-06-14T07:00:00.000Z'],
    ['RFC 822 with an unknown zone name, read as UTC', 'Thu, 14 Jun 2018 09:00:00 XYZ', '2018-06-14T09:00:00.000Z'],
    ['RFC 822 without weekday or seconds', '31 Jan 2018 20:15 +0000', '2018-01-31T20:15:00.000Z'],
    ['RFC 822 with a full month name', 'Wednesday, 31 January 2018 20:15:15 GMT', '2018-01-31T20:15:15.000Z'],
    ['two-digit year before 50', '03 Apr 02 1500 GMT', '2002-04-03T15:00:00.000Z'],
    ['two-digit year from 50', '03 Apr 99 15:00:00 GMT', '1999-04-03T15:00:00.000Z'],
    ['ISO with Z', '2016-02-01T17:54:50Z', '2016-02-01T17:54:50.000Z'],
    ['ISO with an offset', '2016-02-01T17:54:50+01:00', '2016-02-01T16:54:50.000Z'],
    ['ISO with the largest offset there is', '2016-02-01T17:54:50-23:59', '2016-02-02T17:53:50.000Z'],
    ['ISO with fractional seconds', '2016-02-01T17:54:50.123456Z', '2016-02-01T17:54:50.123Z'],
    ['ISO without zone, read as UTC', '2018-01-31T20:15:15', '2018-01-31T20:15:15.000Z'],
    ['ISO date only', '2018-01-31', '2018-01-31T00:00:00.000Z'],
    ['surrounding whitespace', '\n  Wed, 03 Jan 2018 14:11:52 GMT\n      ', '2018-01-03T14:11:52.000Z'],
  ])('reads %s', (_, raw, expected) => {
    // Act
    const date = parseDate(raw);

    // Assess
    expect(date).toBe(expected);
  });

  it.each([
    ['words', 'sometime last week'],
    ['text V8 would guess a date from', 'Item 1'],
    ['a day the month does not have', 'Sat, 31 Feb 2018 10:00:00 GMT'],
    ['an hour out of range', '2018-01-31T25:00:00Z'],
    ['an offset beyond ±23:59 (RFC 3339 §5.6)', '9999-12-31T23:59:59-99:99'],
    ['offset minutes beyond 59', '2018-01-31T10:00:00+01:60'],
    ['an offset of 24 hours', '2018-01-31T10:00:00+24:00'],
    ['an RFC 822 zone beyond ±2359', 'Wed, 31 Jan 2018 20:15:15 +9999'],
    ['an unknown month', '31 Foo 2018 10:00:00 GMT'],
    ["Go's zero time", '0001-01-01T00:00:00Z'],
    ['a year below 100, which Date.UTC would read as 19xx', '0075-06-01T00:00:00Z'],
    ['a date before the Unix epoch', '1950-06-01T00:00:00Z'],
    ['a date a zone offset puts before the epoch', '1970-01-01T00:30:00+01:00'],
    ['an empty string', ''],
    ['nothing', undefined],
  ])('returns undefined for %s', (_, raw) => {
    // Act
    const date = parseDate(raw);

    // Assess
    expect(date).toBeUndefined();
  });

  describe('within a window', () => {
    const NOW = Date.parse('2026-12-03T12:00:00Z');
    const window = dateWindow(NOW, 24);

    it.each([
      ['the Unix epoch', '1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
      ['the end of the tolerance', 'Fri, 04 Dec 2026 12:00:00 GMT', '2026-12-04T12:00:00.000Z'],
    ])('keeps a date at %s, both ends included', (_, raw, expected) => {
      // Act
      const date = parseDate(raw, window);

      // Assess
      expect(date).toBe(expected);
    });

    it.each([
      ['one second past the tolerance', '2026-12-04T12:00:01Z'],
      ['one that only its offset puts past the tolerance', '2026-12-04T11:00:00-01:01'],
      ['far in the future', '9999-12-31T23:59:59Z'],
      ['before the epoch', 'Sun, 01 Jan 1950 00:00:00 GMT'],
    ])('drops a date %s', (_, raw) => {
      // Act
      const date = parseDate(raw, window);

      // Assess
      expect(date).toBeUndefined();
    });

    it('keeps far-future dates without a window: only the epoch bounds them', () => {
      // Act
      const date = parseDate('9999-12-31T23:59:59Z');

      // Assess
      expect(date).toBe('9999-12-31T23:59:59.000Z');
    });
  });
});
