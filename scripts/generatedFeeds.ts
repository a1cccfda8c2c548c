// Feeds too big to commit as fixtures, generated when a test or bench starts. All are valid RSS 2.0

const rss = (channel: string) =>
  Buffer.from(
    '<?xml version="1.0" encoding="utf-8"?>' +
      '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">' +
      `<channel><title>Generated</title>${channel}</channel></rss>`,
  );

/** Items titled `<prefix>-0` … `<prefix>-<count − 1>`, with only a title, so they stay small. */
const items = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `<item><title>${prefix}-${index}</title></item>`).join('');

/** `count` items titled `item-0` … ; 100 000 of them make about 3.7 MB. */
export function manyItemsFeed(count: number): Buffer {
  return rss(items('item', count));
}

/**
 * One item whose title is `bytes` letters long: a single line with no break and no space in it.
 * Dated after every fixture feed's items, so it heads the feed and any list of new items.
 */
export function hugeTitleFeed(bytes: number): Buffer {
  // In the past: a date in the future would be dropped (see parse/dateWindow.ts) and sort it last.
  const date = '<pubDate>Thu, 03 Dec 2026 00:00:00 GMT</pubDate>';
  return rss(`<item><title>${'a'.repeat(bytes)}</title><link>http://generated.example/huge</link>${date}</item>`);
}

/**
 * About `bytes` long, nearly all of it a channel description of plain words, then `count` small
 * items titled `padded-0` … : a big body that parses quickly into little.
 */
export function paddedFeed(bytes: number, count: number): Buffer {
  const line = 'padding words for a big channel description\n';
  return rss(`<description>${line.repeat(Math.ceil(bytes / line.length))}</description>${items('padded', count)}`);
}

/** Paragraphs of a full-content feed's items, in bytes. */
const FULL_CONTENT_PARAGRAPH_BYTES = 16 * 1024;

/**
 * A full-content feed: `count` dated items of about `contentBytes` of HTML each, so nearly all of
 * its size is in the items and stays in them after parsing. Ids, links and text name `feed`, so
 * the feeds of different sources share no item. The content is a few long paragraphs: many short
 * ones would make sanitizing, not keeping, the cost of a test.
 */
export function fullContentFeed(feed: string, count: number, contentBytes: number): Buffer {
  const sentence = `Full text of an article from feed ${feed}, served whole so that readers need not click through. `;
  const paragraph = `<p>${sentence.repeat(Math.ceil(FULL_CONTENT_PARAGRAPH_BYTES / sentence.length))}</p>`;
  const content = paragraph.repeat(Math.max(1, Math.round(contentBytes / paragraph.length)));
  const entries = Array.from({ length: count }, (_, index) => {
    const link = `http://generated.example/${feed}/${index}`;
    const date = new Date(Date.UTC(2026, 0, 1 + index)).toUTCString();
    return (
      `<item><title>${feed}-${index}</title><link>${link}</link><guid>${link}</guid><pubDate>${date}</pubDate>` +
      `<content:encoded><![CDATA[${content}]]></content:encoded></item>`
    );
  });
  return rss(entries.join(''));
}

/**
 * One item whose description is `<div>` repeated `levels` times in CDATA, never closed: the HTML
 * parser's stack grows at the front, so each level costs as much as those above it.
 */
export function nestedMarkupFeed(levels: number): Buffer {
  return rss(`<item><title>nested</title><description><![CDATA[${'<div>'.repeat(levels)}x]]></description></item>`);
}

/** A JSON Feed of about `bytes` made of `{"title":"a"}` items: hundreds of thousands of tiny objects. */
export function tinyItemsJsonFeed(bytes: number): Buffer {
  const item = '{"title":"a"},';
  const items = item.repeat(Math.ceil(bytes / item.length));
  return Buffer.from(`{"version":"https://jsonfeed.org/version/1.1","title":"tiny","items":[${items}{"title":"a"}]}`);
}
