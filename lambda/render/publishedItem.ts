import { decodeHTML } from 'entities';

import { currentItemId } from '../core/itemId.js';
import type { Author, Item } from '../core/model.js';
import { shortened } from '../core/shortened.js';
import { safeHttpUrl, stripInvalidXmlChars as xmlSafe } from './escape.js';

/** Shown where a title is required and the item has no title, no text and no link. */
const UNTITLED = '(untitled)';

/** Length of the title made from a title-less item's text (a microblog post, a status). */
const TITLE_FROM_TEXT_LENGTH = 80; // characters

/**
 * An item as every output publishes it, decided once so feed.json, feed.xml and index.html agree.
 * Its text holds no character XML forbids (strict JSON decoders refuse lone surrogates too), but is
 * not yet escaped: each renderer escapes for its own language.
 */
export interface PublishedItem {
  id: string;
  sourceId: string;
  /** Absolute http(s) only. */
  url?: string;
  title?: string;
  /** The title, else the link, else "(untitled)": for places where a title is required. */
  displayTitle: string;
  /**
   * Exactly one body. JSON Feed requires at least one of content_html and content_text; publishing
   * one means every reader shows the same thing: the (already sanitized) HTML, else the text, else
   * the summary, else empty text, because an item with only a title and a link is still worth publishing.
   */
  content: { type: 'html' | 'text'; value: string };
  summary?: string;
  date_published?: string;
  date_modified?: string;
  /** Each has a name or an http(s) url. */
  authors: Author[];
  /** Non-blank. */
  tags: string[];
}

export function publishedItem(item: Item): PublishedItem {
  const url = safeHttpUrl(item.url);
  const title = item.title?.trim() ? xmlSafe(item.title) : undefined;
  return {
    // Items kept from before state version 5 carry ids as their feeds wrote them until their
    // source is fetched in full (see withCurrentItemIds): published under the id they will have.
    id: xmlSafe(currentItemId(item.sourceId, item.id)),
    sourceId: xmlSafe(item.sourceId),
    url,
    title,
    // Atom requires a title and the page shows one: a title-less item's own words say more than its link.
    displayTitle: title ?? textStart(item) ?? url ?? UNTITLED,
    content: item.content_html
      ? { type: 'html', value: xmlSafe(item.content_html) }
      : { type: 'text', value: xmlSafe(item.content_text || item.summary || '') },
    summary: item.summary ? xmlSafe(item.summary) : undefined,
    date_published: item.date_published,
    date_modified: item.date_modified,
    authors: (item.authors ?? []).flatMap(publishedAuthor),
    tags: (item.tags ?? []).filter((tag) => tag.trim()).map(xmlSafe),
  };
}

/** The start of an item's text, as one line; its HTML is sanitized already, so tags are only tags. */
function textStart(item: Item): string | undefined {
  const text = item.content_text || item.summary || decodeHTML((item.content_html ?? '').replace(/<[^>]*>/g, ' '));
  const line = xmlSafe(text.replace(/\s+/g, ' ').trim());
  return line ? shortened(line, TITLE_FROM_TEXT_LENGTH) : undefined;
}

/** The author with a name or an http(s) url, else none: what every output may show of a person. */
export function publishedAuthor(author: Author): Author[] {
  const name = author.name?.trim() ? xmlSafe(author.name) : undefined;
  const url = safeHttpUrl(author.url);
  if (name === undefined && url === undefined) return [];
  return [{ name, url }];
}
