export interface FeedBodyOptions {
  /** Makes ids and links unique per source, as real feeds are, so merging has real work to do. */
  sourceId: string;
  items: number;
  /** HTML content per item, in bytes (roughly: whole sentences are repeated up to it). */
  itemBytes: number;
}

const SENTENCE = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt. ';
const HOUR_MS = 60 * 60 * 1000;

/**
 * A plausible RSS 2.0 news feed: per item a title, link, guid, date, author, category and an HTML
 * body with a paragraph, a relative link and an image, so the parser, the normalizer and the
 * sanitizer all do the work a real feed asks of them.
 */
export function feedBody(options: FeedBodyOptions): Buffer {
  const { sourceId, items, itemBytes } = options;
  const paragraph = SENTENCE.repeat(Math.max(1, Math.round(itemBytes / SENTENCE.length)));
  const entries: string[] = [];
  for (let i = 0; i < items; i += 1) {
    const related = `<p><a href="/related/${i}">Related</a> <img src="/img/${i}.jpg" alt="photo"></p>`;
    entries.push(`<item>
  <title>${sourceId}: story ${i} &amp; what followed</title>
  <link>https://${sourceId}.example/stories/${i}.html?utm_source=rss</link>
  <guid isPermaLink="false">${sourceId}-${i}</guid>
  <pubDate>${new Date(Date.UTC(2026, 0, 1) - i * HOUR_MS).toUTCString()}</pubDate>
  <author>desk@${sourceId}.example (Reporter ${i % 7})</author>
  <category>Section ${i % 5}</category>
  <description><![CDATA[<p>${paragraph}</p>${related}]]></description>
</item>`);
  }
  return Buffer.from(`<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>${sourceId}</title>\
<link>https://${sourceId}.example/</link><description>bench feed</description>
${entries.join('\n')}
</channel></rss>
`);
}
