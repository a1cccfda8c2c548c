import { type DateWindow, SINCE_EPOCH } from './dateWindow.js';

/**
 * A feed date as RFC 3339 UTC (`2018-01-31T20:15:15.000Z`), or undefined when it is not a date or
 * lies outside `window` (see dateWindow.ts for why such dates are dropped).
 *
 * Accepts ISO 8601 / RFC 3339 (what Atom, JSON Feed and dc:date use) and RFC 822 / 1123 in the
 * shapes RSS feeds actually emit: optional weekday, two-digit years, `1500` without a colon,
 * numeric or named zones. Anything else is garbage and yields undefined. The formats are matched
 * here instead of handing the string to `new Date()`, because V8's fallback parser guesses at
 * almost anything ("Item 1" becomes 2001-01-01) and misses common zones (CEST, AEST).
 */
export function parseDate(raw: string | undefined, window: DateWindow = SINCE_EPOCH): string | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const parts = isoParts(text) ?? rfc822Parts(text);
  if (!parts) return undefined;
  const { year, month, day, hour, minute, second, millisecond, offsetMinutes } = parts;
  if (offsetMinutes === undefined) return undefined;
  if (month > 11 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const local = Date.UTC(year, month, day, hour, minute, Math.min(second, 59), millisecond);
  // Date.UTC rolls 31 Feb over into March; a day the month does not have is garbage.
  if (new Date(local).getUTCDate() !== day) return undefined;
  // Date.UTC reads the years 0–99 as 1900–1999: 0075-06-01 must not pass for 1975.
  const instant = (year < 100 ? new Date(local).setUTCFullYear(year) : local) - offsetMinutes * 60_000;
  if (instant < window.earliest || instant > window.latest) return undefined;
  return new Date(instant).toISOString();
}

interface DateParts {
  year: number;
  /** 0-based, as Date.UTC wants it. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes east of UTC; undefined when the zone is not a real offset. */
  offsetMinutes: number | undefined;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

function isoParts(text: string): DateParts | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  return {
    year: Number(year),
    month: Number(month) - 1,
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    millisecond: Number((fraction ?? '0').slice(0, 3).padEnd(3, '0')),
    // No zone: read as UTC, not as the machine's local time, so every machine agrees.
    offsetMinutes: zone === undefined ? 0 : numericOffset(zone),
  };
}

const RFC822_DATE = new RegExp(
  [
    String.raw`^(?:[a-z]+\.?,?\s*)?`, // the weekday, which says nothing the date does not
    String.raw`(\d{1,2})[\s-]+([a-z]{3,})\.?[\s-]+(\d{4}|\d{2})`, // day, month name, year
    String.raw`(?:[\sT]+(\d{1,2}):?(\d{2})(?::?(\d{2}))?(?:\.\d+)?)?`, // time, seconds and fraction optional
    String.raw`(?:\s*([+-]\d{2}:?\d{2}|[a-z]{1,5}))?`, // offset or zone name
  ].join(''),
  'i',
);

function rfc822Parts(text: string): DateParts | undefined {
  const match = RFC822_DATE.exec(text);
  if (!match) return undefined;
  const [, day, monthName, year, hour, minute, second, zone] = match;
  const month = MONTHS.indexOf((monthName ?? '').slice(0, 3).toLowerCase());
  if (month === -1) return undefined;
  return {
    year: twoDigitYear(Number(year), year?.length ?? 4),
    month,
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    millisecond: 0,
    offsetMinutes: zone === undefined ? 0 : /^[+-]/.test(zone) ? numericOffset(zone) : namedOffset(zone),
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 5322 §4.3: 00–49 are 2000–2049, 50–99 are 1950–1999. */
function twoDigitYear(year: number, digits: number): number {
  if (digits !== 2) return year;
  return year < 50 ? 2000 + year : 1900 + year;
}

/**
 * RFC 3339 §5.6 offsets are ±hh:mm with hh ≤ 23 and mm ≤ 59 (RFC 5322 zones the same, without the
 * colon). Anything beyond is not an offset but garbage: `-99:99` would otherwise move the date by
 * four days and let a feed push its item past every real one.
 */
function numericOffset(zone: string): number | undefined {
  if (/^z$/i.test(zone)) return 0;
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  const hours = Number(digits.slice(1, 3));
  const minutes = Number(digits.slice(3, 5) || 0);
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

/** Offsets in hours east of UTC for the zone names feeds use; RFC 822 lists only the US ones. */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  wet: 0,
  est: -5,
  edt: -4,
  cst: -6,
  cdt: -5,
  mst: -7,
  mdt: -6,
  pst: -8,
  pdt: -7,
  akst: -9,
  akdt: -8,
  hst: -10,
  bst: 1,
  cet: 1,
  cest: 2,
  met: 1,
  mest: 2,
  west: 1,
  eet: 2,
  eest: 3,
  msk: 3,
  ist: 5.5,
  sgt: 8,
  hkt: 8,
  jst: 9,
  kst: 9,
  awst: 8,
  acst: 9.5,
  acdt: 10.5,
  aest: 10,
  aedt: 11,
  nzst: 12,
  nzdt: 13,
};

/** Unknown names count as UTC, as RFC 5322 §4.3 says to treat them ("-0000": no zone information). */
function namedOffset(zone: string): number {
  return (ZONES[zone.toLowerCase()] ?? 0) * 60;
}
