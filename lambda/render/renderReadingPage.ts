import { OUTPUT_CONTENT_TYPES, OUTPUT_KEYS } from '../core/storageLayout.js';
import { plainText } from '../parse/plainText.js';
import { escapeHtml, safeHttpUrl } from './escape.js';
import { htmlPage, linkOrText, optionalTime, time } from './htmlPage.js';
import type { PublishedItem } from './publishedItem.js';
import { perSource, type RenderContext, sourceName } from './renderContext.js';

/** Newest items listed on the page; the feeds carry the rest. */
export const MAX_ITEMS_ON_PAGE = 100;
/** About three lines on a phone: enough to decide whether to open the link. */
export const EXCERPT_LENGTH = 300;
/**
 * Characters of an item's HTML read for its excerpt: plenty for 300 characters of text, and a
 * megabyte-long article does not cost a megabyte of parsing per page.
 */
const EXCERPT_SOURCE_LENGTH = 20_000;

const STYLE = `
body{max-width:46rem}
header p{margin:.25rem 0}
.subscribe a{font-weight:600}
ol.items{list-style:none;margin:0;padding:0}
ol.items li{border-top:1px solid var(--line);padding:1rem 0}
ol.items h2{font-size:1.15rem;margin:0 0 .25rem;line-height:1.35}
.meta{color:var(--muted);font-size:.9rem;margin:0 0 .4rem}
.excerpt{margin:0}`;

/**
 * The page a reader opens (index.html): the feed's title and description, how to subscribe, and
 * the newest items, each with its source (linking to the source's site), date and a plain-text
 * excerpt. Feed readers find the feeds through the `<link rel="alternate">`s in its head. The run
 * report is on its own page (status.html), linked from the footer.
 *
 * @param items Newest first, as published.
 */
export function renderReadingPage(items: readonly PublishedItem[], context: RenderContext): string {
  const feeds: FeedLinks = {
    atom: escapeHtml(safeHttpUrl(context.feedXmlUrl) ?? OUTPUT_KEYS.feedXml),
    json: escapeHtml(safeHttpUrl(context.feedJsonUrl) ?? OUTPUT_KEYS.feedJson),
  };
  const title = escapeHtml(context.title);
  return htmlPage({
    title: context.title,
    language: context.language,
    head: `${alternateLink(OUTPUT_CONTENT_TYPES.feedXml, `${title} (Atom)`, feeds.atom)}
${alternateLink(OUTPUT_CONTENT_TYPES.feedJson, `${title} (JSON Feed)`, feeds.json)}
`,
    style: STYLE,
    body: `<header>
<h1>${title}</h1>
${context.description ? `<p>${escapeHtml(context.description)}</p>\n` : ''}${subscribeLinks(feeds)}
</header>
<main>
<h2 class="visually-hidden">Newest items</h2>
${itemList(items, context)}</main>
<footer>
<p>Updated ${time(context.generatedAt)}. <a href="${OUTPUT_KEYS.status}">Run status</a> of the \
${context.sources.length} sources.</p>
</footer>`,
  });
}

/** The feeds' addresses, escaped for an attribute. */
interface FeedLinks {
  atom: string;
  json: string;
}

function alternateLink(type: string, title: string, href: string): string {
  return `<link rel="alternate" type="${type}" title="${title}" href="${href}">`;
}

function subscribeLinks({ atom, json }: FeedLinks): string {
  const atomLink = `<a href="${atom}" type="${OUTPUT_CONTENT_TYPES.feedXml}">Atom feed</a>`;
  const jsonLink = `<a href="${json}" type="${OUTPUT_CONTENT_TYPES.feedJson}">JSON Feed</a>`;
  return `<p class="subscribe">Subscribe in your feed reader: ${atomLink} · ${jsonLink}</p>`;
}

function itemList(items: readonly PublishedItem[], context: RenderContext): string {
  if (items.length === 0) return '<p class="note">No items yet.</p>\n';
  const sourceLink = perSource(context, (id, source) => linkOrText(source?.siteUrl, sourceName(source, id)));
  const shown = items.slice(0, MAX_ITEMS_ON_PAGE);
  const entries = shown.map((item) => itemEntry(item, sourceLink(item.sourceId))).join('\n');
  const more = shown.length < items.length;
  return `<ol class="items">\n${entries}\n</ol>\n${
    more
      ? `<p class="note">The newest ${shown.length} of ${items.length} \
items; the feeds have them all.</p>\n`
      : ''
  }`;
}

function itemEntry(item: PublishedItem, sourceLink: string): string {
  const date = optionalTime(item.date_published ?? item.date_modified);
  const excerpt = excerptOf(item);
  return `<li><article>
<h2>${linkOrText(item.url, item.displayTitle)}</h2>
<p class="meta">${sourceLink}${date ? ` · ${date}` : ''}</p>
${excerpt ? `<p class="excerpt">${escapeHtml(excerpt)}</p>\n` : ''}</article></li>`;
}

/** The item's first words as plain text, cut at a word boundary with an ellipsis. */
export function excerptOf(item: PublishedItem): string {
  const text =
    item.summary ??
    (item.content.type === 'html'
      ? plainText(item.content.value.slice(0, EXCERPT_SOURCE_LENGTH))
      : item.content.value.replace(/\s+/g, ' ').trim());
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH - 1);
  const lastSpace = cut.lastIndexOf(' ');
  // A text without spaces (a long URL, CJK) is cut where it is, never at a surrogate half.
  const wordEnd = lastSpace > EXCERPT_LENGTH / 2 ? cut.slice(0, lastSpace) : cut.replace(/[\uD800-\uDBFF]$/, '');
  return `${wordEnd.replace(/[\s,;:.!?-]+$/, '')}…`;
}
