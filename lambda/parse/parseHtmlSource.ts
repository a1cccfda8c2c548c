import { selectOne } from 'css-select';
import type { AnyNode, Element } from 'domhandler';
import type { JsonFeed } from 'feedsmith';
import { parseDocument } from 'htmlparser2';

import { SourceError } from '../core/errors.js';
import type { ItemFields } from '../core/model.js';
import { resolveHttpUrl } from '../core/resolveUrl.js';
import { decodeHtml } from './decodeHtml.js';
import { HtmlSelector } from './htmlSelector.js';
import { type NormalizedItems, normalizeFeed } from './normalizeFeed.js';
import type { ParseContext } from './parseContext.js';

/** Which elements of the page are items and where each item's fields are inside one of them. */
export interface HtmlMapping {
  items: string;
  fields: Omit<ItemFields, 'contentType'>;
}

/**
 * The items of a web page, read through CSS selectors. Each item is mapped into a JSON Feed item
 * and normalized like any feed's: relative links are resolved against the page's `<base href>`
 * or its URL, and `content` (the matched element's inner HTML) is sanitized last.
 *
 * A page where the items selector matches nothing fails the source: a redesign that breaks the
 * selectors is then reported, and the source keeps its last good items, rather than publishing
 * an empty list.
 *
 * @throws SourceError `unsupported_format` when no element matches the items selector.
 */
export function parseHtmlSource(body: Buffer, context: ParseContext, mapping: HtmlMapping): NormalizedItems {
  const document = parseDocument(decodeHtml(body, context.contentType));
  const elements = HtmlSelector.parse(mapping.items).selectAll(document);
  if (elements.length === 0) {
    throw new SourceError('unsupported_format', `no element on the page matches the items selector "${mapping.items}"`);
  }
  const field = (text: string | undefined) => (text === undefined ? undefined : HtmlSelector.parse(text));
  const id = field(mapping.fields.id);
  const url = field(mapping.fields.url);
  const title = field(mapping.fields.title);
  const date = field(mapping.fields.date);
  const content = field(mapping.fields.content);
  const items = elements.map(
    (element): JsonFeed.Item<string> => ({
      id: id?.text(element),
      url: url?.text(element),
      title: title?.text(element),
      date_published: date?.text(element),
      content_html: content?.html(element),
    }),
  );
  const base = selectOne<AnyNode, Element>('base[href]', document)?.attribs.href;
  return normalizeFeed(
    { format: 'json', feed: { home_page_url: resolveHttpUrl(base, context.finalUrl), items } },
    { sourceId: context.sourceId, baseUrl: context.finalUrl, dates: context.dates },
  );
}
