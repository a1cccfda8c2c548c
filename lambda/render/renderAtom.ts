import type { Author } from '../core/model.js';
import { hasHiddenParts, redactUrl } from '../core/redactUrl.js';
import { escapeXml, safeHttpUrl, stripInvalidXmlChars } from './escape.js';
import type { PublishedItem } from './publishedItem.js';
import { perSource, type RenderContext, type SourceLabel, sourceName } from './renderContext.js';

const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';
const GENERATOR = 'Tributary';
// Atom requires an author on the feed or on every entry; this one covers entries whose feed named none.
const FEED_AUTHOR = 'Tributary';

/**
 * Atom 1.0 of the items, in the order given, each with an `atom:source` naming the feed it came
 * from. Every piece of text goes through escapeXml, so no feed we aggregate can make this one malformed.
 */
export function renderAtom(entries: readonly PublishedItem[], context: RenderContext): string {
  const sourceElement = perSource(context, atomSource);
  const self = safeHttpUrl(context.feedXmlUrl);
  const home = safeHttpUrl(context.homePageUrl);
  const { hub, icon, authors } = context;
  const language = context.language ? ` xml:lang="${escapeXml(context.language)}"` : '';
  return lines(
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="${ATOM_NAMESPACE}"${language}>`,
    // The public address, once known, is the id that stays when the title changes.
    element('id', self ?? home ?? atomId('feed', context.title)),
    element('title', context.title),
    context.description && element('subtitle', context.description),
    element('updated', feedUpdated(entries, context.generatedAt)),
    self && link('self', self, 'application/atom+xml'),
    home && link('alternate', home, 'text/html'),
    hub && link('hub', hub),
    ...(authors.length > 0 ? authors : [{ name: FEED_AUTHOR }]).map(atomAuthor),
    icon && element('icon', icon),
    element('generator', GENERATOR),
    ...entries.map((entry) => atomEntry(entry, sourceElement(entry.sourceId), context.generatedAt)),
    '</feed>\n',
  );
}

function atomEntry(item: PublishedItem, sourceElement: string, generatedAt: string): string {
  return lines(
    '<entry>',
    element('id', URL.canParse(item.id) ? item.id : atomId('item', item.id)),
    element('title', item.displayTitle),
    element('updated', entryUpdated(item) ?? generatedAt),
    item.date_published && element('published', item.date_published),
    item.url && link('alternate', item.url),
    ...item.authors.map(atomAuthor),
    ...item.tags.map((tag) => `<category term="${escapeXml(tag)}"/>`),
    `<content type="${item.content.type}">${escapeXml(item.content.value)}</content>`,
    item.summary && `<summary type="text">${escapeXml(item.summary)}</summary>`,
    sourceElement,
    '</entry>',
  );
}

/**
 * The source's feed URL is its Atom id and self link, its site the alternate link, unless the
 * URL has parts that may be credentials (user, password, query): then the link shows scheme,
 * host and path, and the id is made from the source's id, as it is for a source no longer
 * configured (which keeps its id as its name).
 */
function atomSource(sourceId: string, source: SourceLabel | undefined): string {
  const shown = source && safeHttpUrl(redactUrl(source.url));
  const url = source && !hasHiddenParts(source.url) ? shown : undefined;
  const site = safeHttpUrl(source?.siteUrl);
  return lines(
    '<source>',
    element('id', url ?? atomId('source', sourceId)),
    element('title', sourceName(source, sourceId)),
    site && link('alternate', site, 'text/html'),
    shown && link('self', shown),
    '</source>',
  );
}

function atomAuthor(author: Author): string {
  // publishedItem guarantees a name or a url; Atom requires the name.
  const name = author.name ?? author.url ?? '';
  return `<author>${element('name', name)}${author.url ? element('uri', author.url) : ''}</author>`;
}

function entryUpdated(item: PublishedItem): string | undefined {
  return item.date_modified ?? item.date_published;
}

/** The newest entry's date, but never later than now: a feed cannot have changed in the future. */
function feedUpdated(items: readonly PublishedItem[], generatedAt: string): string {
  let newest: string | undefined;
  let newestMs = -Infinity;
  for (const item of items) {
    const updated = entryUpdated(item);
    const updatedMs = updated === undefined ? Number.NaN : Date.parse(updated);
    if (updatedMs > newestMs) [newest, newestMs] = [updated, updatedMs];
  }
  return newest !== undefined && newestMs <= Date.parse(generatedAt) ? newest : generatedAt;
}

/**
 * Atom ids must be IRIs. A value that is not one becomes a URN; it is derived from the value alone,
 * so the id stays the same from run to run.
 */
function atomId(kind: 'feed' | 'item' | 'source', value: string): string {
  // encodeURIComponent throws on a lone surrogate; strip first.
  return `urn:tributary:${kind}:${encodeURIComponent(stripInvalidXmlChars(value))}`;
}

function element(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

function link(rel: string, href: string, type?: string): string {
  const typeAttribute = type ? ` type="${escapeXml(type)}"` : '';
  return `<link rel="${rel}"${typeAttribute} href="${escapeXml(href)}"/>`;
}

/** Joins the parts that are present, one per line. */
function lines(...parts: (string | undefined)[]): string {
  return parts.filter((part) => part).join('\n');
}
