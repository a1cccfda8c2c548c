import type { JsonFeed } from 'feedsmith';
import { SourceError } from '../core/errors.js';
import type { ItemFields } from '../core/model.js';
import { decodeText } from './decodeText.js';
import { JsonPath } from './jsonPath.js';
import { type NormalizedItems, normalizeFeed } from './normalizeFeed.js';
import type { ParseContext } from './parseContext.js';
import { parseJsonText } from './parseJsonText.js';

/** Where the items are in the response and where each item's fields are inside one item. */
export interface JsonMapping {
  items: string;
  fields: ItemFields;
}

/**
 * The items of a JSON API response, read through the source's mapping. Each item is mapped into
 * a JSON Feed item and normalized like any feed's, so URLs, dates, ids and sanitizing (last)
 * follow the same rules for every kind of source.
 *
 * The items path may end in `[*]` (each match is an item) or point at the list itself. A
 * response without anything at the path fails the source, so an API that changed its shape is
 * noticed instead of silently publishing nothing; an empty list is fine.
 *
 * @throws SourceError `malformed` when the body is not JSON, `unsupported_format` when nothing
 * is at the items path.
 */
export function parseJsonSource(body: Buffer, context: ParseContext, mapping: JsonMapping): NormalizedItems {
  const text = decodeText(body, context.contentType).trim();
  if (text === '') throw new SourceError('unsupported_format', 'not JSON: the response is empty');
  const json = parseJsonText(text);
  const fields = compileFields(mapping.fields);
  const items = itemsAt(json, JsonPath.parse(mapping.items)).map((entry) => feedItem(entry, fields));
  const { sourceId, finalUrl, dates } = context;
  return normalizeFeed({ format: 'json', feed: { items } }, { sourceId, baseUrl: finalUrl, dates });
}

interface CompiledFields {
  id?: JsonPath;
  url?: JsonPath;
  title?: JsonPath;
  date?: JsonPath;
  content?: JsonPath;
  contentType: 'html' | 'text';
}

function compileFields(fields: ItemFields): CompiledFields {
  const path = (text: string | undefined) => (text === undefined ? undefined : JsonPath.parse(text));
  return {
    id: path(fields.id),
    url: path(fields.url),
    title: path(fields.title),
    date: path(fields.date),
    content: path(fields.content),
    // Plain text unless the mapping says HTML: markup an API did not mean as markup must not be
    // interpreted, while HTML read as text is merely shown escaped.
    contentType: fields.contentType ?? 'text',
  };
}

function itemsAt(json: unknown, path: JsonPath): unknown[] {
  const matches = path.select(json);
  if (path.endsInWildcard) {
    if (matches.length === 0 && path.withoutWildcard().select(json).length === 0) throw nothingAt(path);
    return matches;
  }
  if (matches.length === 0) throw nothingAt(path);
  return matches.length === 1 && Array.isArray(matches[0]) ? matches[0] : matches;
}

function nothingAt(path: JsonPath): SourceError {
  return new SourceError('unsupported_format', `the response has nothing at the items path "${path.text}"`);
}

function feedItem(entry: unknown, fields: CompiledFields): JsonFeed.Item<string> {
  const content = scalarText(fields.content?.first(entry));
  return {
    id: scalarText(fields.id?.first(entry)),
    url: scalarText(fields.url?.first(entry)),
    title: scalarText(fields.title?.first(entry)),
    date_published: dateText(fields.date?.first(entry)),
    ...(fields.contentType === 'html' ? { content_html: content } : { content_text: content }),
  };
}

/** Strings as they are, numbers and booleans as written; objects, lists and null are no value. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Below this a Unix time is in seconds: 10^11 s is the year 5138, 10^11 ms is March 1973. */
const SECONDS_BELOW = 1e11;

/** APIs give dates as text or as Unix time in seconds or milliseconds; text goes to parseDate. */
function dateText(value: unknown): string | undefined {
  const text = scalarText(value)?.trim();
  if (text === undefined || !/^\d+(?:\.\d+)?$/.test(text)) return text;
  const number = Number(text);
  const date = new Date(number < SECONDS_BELOW ? number * 1000 : number);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
