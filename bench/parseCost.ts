// Parse throughput of feedsmith (what Tributary uses) against rss-parser (the usual choice),
// on the rss-parser corpus and on one large generated RSS feed, plus Tributary's whole parse
// stage (decode → parse → normalize → sanitize) for scale. Run: npx tsx bench/parseCost.ts
//
// Both parsers get the same already-decoded string, so the numbers compare parsing only.
// Each figure is the best of RUNS timed runs after WARMUP_RUNS untimed ones: the minimum is
// the run least disturbed by GC and the machine, which is what a comparison needs.
//
// What it showed (Node 20, 2 shared cores): throughput is a wash — 20–24 MB/s each on the corpus
// and 22–26 MB/s each on the 4 MB feed; feedsmith is slower on tiny feeds (fixed per-call cost). The
// choice rests on what each extracts: rss-parser cannot read JSON Feed, rejects a <rss> without
// a version attribute (uolNoticias.rss), exposes no xml:base, returns an empty item for an
// empty Atom entry, fails the billion-laughs document outright, and its isoDate loses the time
// of "03 Apr 02 1500 GMT", rolls "31 Feb" into March and drops CEST dates. feedsmith also parses
// synchronously, which keeps the parse stage a pure function.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { parseFeed as feedsmithParse } from 'feedsmith';
import RssParser from 'rss-parser';

import { decodeText } from '../lambda/parse/decodeText.js';
import { parseSource } from '../lambda/parse/parseSource.js';

const CORPUS_DIR = fileURLToPath(new URL('../test/fixtures/feeds/rss-parser/', import.meta.url));
const OWN_FIXTURES_DIR = fileURLToPath(new URL('../test/fixtures/feeds/', import.meta.url));
const WARMUP_RUNS = 3;
const RUNS = 7;
const LARGE_FEED_ITEMS = 5_000; // ≈ 5 MB, the default per-response byte cap

interface Outcome {
  /** Best run, in ms; undefined when the parser failed. */
  ms?: number;
  items?: number;
  error?: string;
}

const rssParser = new RssParser();

async function best(run: () => unknown): Promise<number> {
  for (let i = 0; i < WARMUP_RUNS; i++) await run();
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    min = Math.min(min, performance.now() - started);
  }
  return min;
}

async function measure(run: () => Promise<number> | number): Promise<Outcome> {
  try {
    const items = await run();
    return { ms: await best(run), items };
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

function feedsmithItems(text: string): number {
  const parsed = feedsmithParse(text);
  return (parsed.format === 'atom' ? parsed.feed.entries : parsed.feed.items)?.length ?? 0;
}

async function rssParserItems(text: string): Promise<number> {
  return (await rssParser.parseString(text)).items.length;
}

function pipelineItems(body: Buffer): number {
  return parseSource(body, {
    contentType: undefined,
    finalUrl: 'https://bench.example/feed',
    sourceId: 'bench',
    maxItemsPerSource: Number.MAX_SAFE_INTEGER,
  }).length;
}

/** A plausible news feed: HTML descriptions and content:encoded, about 1 KB per item. */
function largeFeed(items: number): Buffer {
  const paragraph =
    'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore ' +
    'magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo.';
  const entries: string[] = [];
  for (let i = 0; i < items; i++) {
    entries.push(`<item>
  <title>Story number ${i}: something happened &amp; more</title>
  <link>https://news.example/${2024 - (i % 5)}/story-${i}.html?utm_source=rss</link>
  <guid isPermaLink="false">story-${i}</guid>
  <pubDate>${new Date(Date.UTC(2024, 0, 1) - i * 3_600_000).toUTCString()}</pubDate>
  <dc:creator>Reporter ${i % 17}</dc:creator>
  <category>Section ${i % 7}</category>
  <description>&lt;p&gt;${paragraph.slice(0, 120)}&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>${paragraph}</p><p><a href="/related/${i}">Related</a> <img src="/img/${i}.jpg" alt="photo ${i}"></p>]]></content:encoded>
</item>`);
  }
  return Buffer.from(`<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Large generated feed</title><link>https://news.example/</link><description>bench</description>
${entries.join('\n')}
</channel></rss>`);
}

function mbPerSecond(bytes: number, outcome: Outcome): string {
  return outcome.ms === undefined ? 'error' : (bytes / 1e6 / (outcome.ms / 1000)).toFixed(1);
}

function cell(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

interface Row {
  name: string;
  bytes: number;
  feedsmith: Outcome;
  rssParser: Outcome;
  pipeline: Outcome;
}

async function measureFeed(name: string, body: Buffer): Promise<Row> {
  const text = decodeText(body, undefined);
  return {
    name,
    bytes: body.length,
    feedsmith: await measure(() => feedsmithItems(text)),
    rssParser: await measure(() => rssParserItems(text)),
    pipeline: await measure(() => pipelineItems(body)),
  };
}

function printTable(rows: Row[]): void {
  const header = ['feed', 'KB', 'feedsmith MB/s', 'rss-parser MB/s', 'ratio', 'parseSource MB/s', 'items fs/rp'];
  const widths = [28, 7, 15, 16, 6, 17, 12];
  console.log(header.map((text, i) => cell(text, widths[i]!)).join(' '));
  for (const row of rows) {
    const ratio =
      row.feedsmith.ms !== undefined && row.rssParser.ms !== undefined ? (row.rssParser.ms / row.feedsmith.ms).toFixed(1) : '-';
    const values = [
      row.name,
      (row.bytes / 1024).toFixed(0),
      mbPerSecond(row.bytes, row.feedsmith),
      mbPerSecond(row.bytes, row.rssParser),
      ratio,
      mbPerSecond(row.bytes, row.pipeline),
      `${row.feedsmith.items ?? 'err'}/${row.rssParser.items ?? 'err'}`,
    ];
    console.log(values.map((text, i) => cell(text, widths[i]!)).join(' '));
  }
}

function total(rows: Row[]): Row {
  // Only feeds both parsers read, so the two totals cover the same bytes.
  const measured = rows.filter((row) => row.feedsmith.ms !== undefined && row.rssParser.ms !== undefined);
  const sum = (pick: (row: Row) => Outcome): Outcome => ({
    ms: measured.reduce((ms, row) => ms + (pick(row).ms ?? 0), 0),
    items: measured.reduce((items, row) => items + (pick(row).items ?? 0), 0),
  });
  return {
    name: `corpus total (${measured.length} feeds)`,
    bytes: measured.reduce((bytes, row) => bytes + row.bytes, 0),
    feedsmith: sum((row) => row.feedsmith),
    rssParser: sum((row) => row.rssParser),
    pipeline: sum((row) => row.pipeline),
  };
}

/** What each parser makes of the cases where they disagree; printed, not asserted. */
async function printDifferences(rows: Row[]): Promise<void> {
  console.log('\nDisagreements on the corpus (item counts or failures):');
  for (const row of rows) {
    if (row.feedsmith.items !== row.rssParser.items || row.feedsmith.error || row.rssParser.error) {
      const show = (outcome: Outcome) => outcome.error ?? `${outcome.items} items`;
      console.log(`  ${row.name}: feedsmith ${show(row.feedsmith)}; rss-parser ${show(row.rssParser)}`);
    }
  }

  console.log('\nOn our own fixtures:');
  for (const name of ['json-feed-1.1.json', 'atom-xml-base.atom', 'odd-dates.rss', 'billion-laughs.rss', 'xxe.rss']) {
    const text = decodeText(readFileSync(`${OWN_FIXTURES_DIR}${name}`), undefined);
    let feedsmithSays: string;
    try {
      const parsed = feedsmithParse(text);
      feedsmithSays = `${parsed.format}, ${feedsmithItems(text)} items`;
    } catch (error) {
      feedsmithSays = `throws "${(error as Error).message}: ${((error as Error).cause as Error | undefined)?.message ?? ''}"`;
    }
    let rssParserSays: string;
    try {
      const parsed = await rssParser.parseString(text);
      const first = parsed.items[0];
      rssParserSays = `${parsed.items.length} items, first link ${first?.link ?? '-'}, first title ${JSON.stringify(first?.title?.slice(0, 40))}`;
      if (name === 'odd-dates.rss') {
        rssParserSays += `; isoDate per item: ${parsed.items.map((item) => `${item.title}=${item.isoDate ?? '-'}`).join(', ')}`;
      }
    } catch (error) {
      rssParserSays = `throws "${(error as Error).message.split('\n')[0]}"`;
    }
    console.log(`  ${name}\n    feedsmith:  ${feedsmithSays}\n    rss-parser: ${rssParserSays}`);
  }
}

const names = readdirSync(CORPUS_DIR).sort();
const rows: Row[] = [];
for (const name of names) rows.push(await measureFeed(name, readFileSync(`${CORPUS_DIR}${name}`)));
const large = await measureFeed(`generated ${LARGE_FEED_ITEMS} items`, largeFeed(LARGE_FEED_ITEMS));

console.log(`Node ${process.version}; best of ${RUNS} runs after ${WARMUP_RUNS} warm-up runs; ratio = rss-parser time / feedsmith time\n`);
printTable([...rows, total(rows), large]);
await printDifferences(rows);
