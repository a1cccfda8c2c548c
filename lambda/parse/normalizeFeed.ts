import type { AtomFeed, JsonFeed, RdfFeed, RssFeed } from 'feedsmith';

import { itemId } from '../core/itemId.js';
import type { Author, Item } from '../core/model.js';
import { resolveHttpUrl, resolveUrl } from '../core/resolveUrl.js';
import { shortened } from '../core/shortened.js';
import type { DateWindow } from './dateWindow.js';
import { MarkupBudget } from './markupBudget.js';
import { parseDate } from './parseDate.js';
import type { ParsedFeed } from './parseFeed.js';
import { collapseWhitespace, plainText } from './plainText.js';
import { sanitizeHtml } from './sanitizeHtml.js';

export interface NormalizeContext {
  sourceId: string;
  /** The response URL after redirects: the last resort for resolving relative links. */
  baseUrl: string;
  /** The dates an item may carry; any other is dropped. Left out, every date from 1970 on is kept. */
  dates?: DateWindow;
}

/** A feed's items, and how many of them had a date that was dropped. */
export interface NormalizedItems {
  items: Item[];
  /**
   * Items whose feed gave a date (published or modified) that is no date (garbage, an offset past
   * ±23:59) or lies outside the date window: they are published without it, and sort as undated.
   */
  datesDropped: number;
}

/**
 * The items of a parsed feed, in feed order, in the one shape the pipeline uses. Each format has
 * an adapter below that only maps fields into an Entry; `toItem` then does everything else the
 * same way for all formats: URLs, dates, text, ids, and sanitizing last.
 * Entries with nothing to show (no title, no link, no content) are left out.
 *
 * @throws SourceError `too_complex` when the HTML in it would cost more than a source's budget.
 */
export function normalizeFeed(parsed: ParsedFeed, context: NormalizeContext): NormalizedItems {
  const entries = entriesOf(parsed, context.baseUrl);
  const budget = new MarkupBudget();
  const items: Item[] = [];
  let datesDropped = 0;
  for (const entry of entries) {
    const dates = itemDates(entry, context.dates);
    const item = toItem(entry, context.sourceId, dates, budget);
    if (!item) continue;
    items.push(item);
    if (dates.dropped) datesDropped++;
  }
  return { items, datesDropped };
}

interface ItemDates {
  published?: string;
  modified?: string;
  /** The entry gave a date that is not used. */
  dropped: boolean;
}

function itemDates(entry: Entry, window: DateWindow | undefined): ItemDates {
  const published = parseDate(entry.published, window);
  const modified = parseDate(entry.modified, window);
  const given = (raw: string | undefined) => raw !== undefined && raw.trim() !== '';
  const dropped = (given(entry.published) && !published) || (given(entry.modified) && !modified);
  return { published, modified, dropped };
}

/** How a feed names itself: the source's name and site in the outputs, unless the sources file says otherwise. */
export interface FeedChannel {
  title?: string;
  /** The site the feed belongs to, absolute http(s). */
  siteUrl?: string;
}

/** The feed's own title (plain text, one line) and site link, when it gives them. */
export function feedChannel(parsed: ParsedFeed, baseUrl: string): FeedChannel {
  const channel = channelOf(parsed);
  const fullTitle =
    channel.title && (channel.title.html ? plainText(channel.title.value) : collapseWhitespace(channel.title.value));
  const siteUrl = resolveHttpUrl(channel.link, baseUrl);
  return {
    ...(fullTitle && { title: shortened(fullTitle, MAX_CHANNEL_TITLE_LENGTH) }),
    ...(siteUrl && { siteUrl }),
  };
}

function channelOf(parsed: ParsedFeed): { title?: Text; link?: string } {
  switch (parsed.format) {
    case 'rss':
    case 'rdf':
      return { title: html(parsed.feed.title), link: parsed.feed.link };
    case 'atom':
      return { title: atomText(parsed.feed.title), link: alternateLink(parsed.feed.links) };
    case 'json':
      return { title: text(parsed.feed.title), link: parsed.feed.home_page_url };
  }
}

/** A source's name is a label beside every item: longer than this is not a name. */
const MAX_CHANNEL_TITLE_LENGTH = 200;

/** A piece of text and whether the feed marked it as HTML. */
interface Text {
  value: string;
  html: boolean;
}

/** One feed entry, mapped but not yet cleaned: URLs may be relative, dates are as written. */
interface Entry {
  id?: string;
  link?: string;
  /** Absolute base for the entry's relative URLs. */
  base: string;
  /** Absolute base for URLs inside the content, when the content has its own xml:base. */
  contentBase?: string;
  title?: Text;
  content?: Text;
  summary?: Text;
  published?: string;
  modified?: string;
  authors: { name?: string; url?: string }[];
  tags: (string | undefined)[];
}

function entriesOf(parsed: ParsedFeed, baseUrl: string): Entry[] {
  switch (parsed.format) {
    case 'rss':
      return rssEntries(parsed.feed, baseUrl);
    case 'rdf':
      return rdfEntries(parsed.feed, baseUrl);
    case 'atom':
      return atomEntries(parsed.feed, baseUrl);
    case 'json':
      return jsonEntries(parsed.feed, baseUrl);
  }
}

// RSS 0.9x/2.0. Relative item links are relative to the site, which the channel link names;
// the response URL (often a feed proxy or CDN) is only the fallback. An xml:base on the root or
// on the item says otherwise, and wins. Without <link>, an Atom link (the atom: or a10: prefix
// .NET and WordPress write) or a permalink guid (isPermaLink absent or true) is the link.
function rssEntries(feed: RssFeed.Feed<string>, baseUrl: string): Entry[] {
  const rootBase = resolveUrl(feed.xml?.base, baseUrl);
  const channelBase = rootBase ?? resolveHttpUrl(feed.link, baseUrl) ?? baseUrl;
  return (feed.items ?? []).map((item) => {
    const encoded = item.content?.encoded;
    const permalink = item.guid?.isPermaLink === false ? undefined : resolveHttpUrl(item.guid?.value, undefined);
    return {
      id: item.guid?.value,
      link: item.link ?? alternateLink(item.atom?.links) ?? permalink,
      base: resolveUrl(item.xml?.base, rootBase ?? baseUrl) ?? channelBase,
      title: html(item.title ?? item.dc?.titles?.[0]),
      // With content:encoded present, description is the teaser; without it, the content.
      content: html(encoded ?? item.description ?? item.dc?.descriptions?.[0] ?? item.itunes?.summary),
      summary: encoded === undefined ? undefined : html(item.description),
      published: item.pubDate ?? item.dc?.dates?.[0],
      authors: [...(item.authors ?? []), ...(item.dc?.creators ?? []).map((name) => ({ name }))],
      tags: [...(item.categories ?? []).map((category) => category.name), ...(item.dc?.subjects ?? [])],
    };
  });
}

// RDF / RSS 1.0: RSS 0.9x fields plus Dublin Core for dates, authors and subjects.
function rdfEntries(feed: RdfFeed.Feed<string>, baseUrl: string): Entry[] {
  const base = resolveHttpUrl(feed.link, baseUrl) ?? baseUrl;
  return (feed.items ?? []).map((item) => {
    const encoded = item.content?.encoded;
    return {
      id: item.rdf?.about,
      link: item.link ?? item.rdf?.about,
      base,
      title: html(item.title ?? item.dc?.titles?.[0]),
      content: html(encoded ?? item.description),
      summary: encoded === undefined ? undefined : html(item.description),
      published: item.dc?.dates?.[0],
      authors: (item.dc?.creators ?? []).map((name) => ({ name })),
      tags: item.dc?.subjects ?? [],
    };
  });
}

// Atom 1.0. xml:base nests document → feed → entry → content, each resolved against the one
// around it; without any, the feed's alternate link is the base, then the response URL.
function atomEntries(feed: AtomFeed.Feed<string>, baseUrl: string): Entry[] {
  const feedXmlBase = resolveUrl(feed.xml?.base, baseUrl);
  const feedBase = feedXmlBase ?? resolveHttpUrl(alternateLink(feed.links), baseUrl) ?? baseUrl;
  return (feed.entries ?? []).map((entry) => {
    const entryXmlBase = resolveUrl(entry.xml?.base, feedXmlBase ?? baseUrl) ?? feedXmlBase;
    const base = entryXmlBase ?? feedBase;
    const content = atomContent(entry.content);
    const summary = atomText(entry.summary);
    return {
      id: entry.id,
      // An entry without a link whose id is a web address (many generators use the permalink) links there.
      link: alternateLink(entry.links) ?? resolveHttpUrl(entry.id, undefined),
      base,
      contentBase: resolveUrl(entry.content?.xml?.base, entryXmlBase ?? baseUrl),
      title: atomText(entry.title),
      // A summary-only entry shows its summary as the content rather than showing nothing.
      content: content ?? summary,
      summary: content === undefined ? undefined : summary,
      published: entry.published,
      modified: entry.updated,
      authors: (entry.authors ?? feed.authors ?? []).map((person) => ({ name: person.name, url: person.uri })),
      tags: (entry.categories ?? []).map((category) => category.label ?? category.term),
    };
  });
}

/** rel="alternate" is Atom's default rel; an HTML alternate beats other media types. */
function alternateLink(links: AtomFeed.Link<string>[] | undefined): string | undefined {
  const alternates = (links ?? []).filter((link) => link.rel === undefined || link.rel === 'alternate');
  return (alternates.find((link) => link.type === undefined || /html/i.test(link.type)) ?? alternates[0])?.href;
}

/** Atom text constructs; Atom 0.3 wrote media types (`text/html`) where 1.0 writes `html`. */
function atomText(text: AtomFeed.Text | undefined): Text | undefined {
  return atomContent(text);
}

/**
 * Atom content may be any media type or out of line (`src`); only text and HTML are shown. Any
 * other type that is not XML is Base64 (RFC 4287 §4.1.3.3): shown as text when it decodes to it.
 */
function atomContent(content: AtomFeed.Content | undefined): Text | undefined {
  const type = content?.type ?? 'text';
  if (!content?.value || content.src !== undefined) return undefined;
  if (type === 'html' || type === 'xhtml' || /^(text\/html|application\/xhtml\+xml)\b/i.test(type)) {
    return { value: content.value, html: true };
  }
  if (type === 'text' || /^text\//i.test(type)) return { value: content.value, html: false };
  if (/[+/]xml\b/i.test(type)) return undefined;
  const decoded = base64Text(content.value);
  return decoded === undefined ? undefined : { value: decoded, html: false };
}

/** Base64 that decodes to valid UTF-8 text, as text; anything else (an image, a PDF) is not shown. */
function base64Text(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
    return /[\u0000-\u0008\u000e-\u001f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

// JSON Feed 1.0/1.1 (feedsmith already folds 1.0's single `author` into `authors`).
function jsonEntries(feed: JsonFeed.Feed<string>, baseUrl: string): Entry[] {
  const base = resolveHttpUrl(feed.home_page_url, baseUrl) ?? baseUrl;
  return (feed.items ?? []).map((item) => ({
    id: item.id,
    link: item.url ?? item.external_url,
    base,
    title: text(item.title),
    content: html(item.content_html) ?? text(item.content_text),
    summary: text(item.summary),
    published: item.date_published,
    modified: item.date_modified,
    authors: item.authors ?? feed.authors ?? [],
    tags: item.tags ?? [],
  }));
}

function html(value: string | undefined): Text | undefined {
  return value ? { value, html: true } : undefined;
}

function text(value: string | undefined): Text | undefined {
  return value ? { value, html: false } : undefined;
}

function toItem(entry: Entry, sourceId: string, dates: ItemDates, budget: MarkupBudget): Item | undefined {
  const url = resolveHttpUrl(entry.link, entry.base);
  const line = (text: Text) => (text.html ? plainText(budget.checked(text.value)) : collapseWhitespace(text.value));
  const fullTitle = entry.title && line(entry.title);
  const title = fullTitle && shortened(fullTitle, MAX_TITLE_LENGTH);
  const summary = entry.summary && line(entry.summary);
  const { published: datePublished, modified: dateModified } = dates;
  const authors = cleanAuthors(entry.authors, entry.base, budget);
  const tags = cleanTags(entry.tags);
  const id = itemId(sourceId, entry.id, url, [title, datePublished ?? dateModified, entry.content?.value]);
  // The sanitizer always runs last: every URL in the content is resolved inside it, before its
  // scheme check, and nothing touches content_html after it. Any rewrite after this point could
  // reintroduce markup or URLs the sanitizer never judged (Miniflux keeps the same rule).
  const contentHtml = entry.content?.html
    ? sanitizeHtml(budget.checked(entry.content.value), entry.contentBase ?? entry.base).trim()
    : undefined;
  const contentText = entry.content && !entry.content.html ? entry.content.value.trim() : undefined;
  if (!title && !url && !contentHtml && !contentText) return undefined;
  return {
    id,
    sourceId,
    ...(url && { url }),
    ...(title && { title }),
    ...(contentHtml && { content_html: contentHtml }),
    ...(contentText && { content_text: contentText }),
    ...(summary && { summary }),
    ...(datePublished && { date_published: datePublished }),
    ...(dateModified && { date_modified: dateModified }),
    ...(authors.length > 0 && { authors }),
    ...(tags.length > 0 && { tags }),
  };
}

function cleanAuthors(authors: { name?: string; url?: string }[], base: string, budget: MarkupBudget): Author[] {
  const cleaned: Author[] = [];
  for (const author of authors) {
    const name = author.name === undefined ? undefined : plainText(budget.checked(author.name));
    const url = resolveHttpUrl(author.url, base);
    if (name || url) cleaned.push({ ...(name && { name }), ...(url && { url }) });
  }
  return cleaned;
}

/** Trimmed, non-empty, first spelling kept when tags differ only in case. */
function cleanTags(tags: (string | undefined)[]): string[] {
  const seen = new Map<string, string>();
  for (const tag of tags) {
    const cleaned = collapseWhitespace(tag ?? '');
    const key = cleaned.toLowerCase();
    if (cleaned && !seen.has(key)) seen.set(key, cleaned);
  }
  return [...seen.values()];
}

/**
 * A title is a line, not a document: a hostile feed's megabyte "title" would otherwise be copied
 * whole into every output and into state.
 */
export const MAX_TITLE_LENGTH = 1000;
