// Parse throughput of feedsmith (what Tributary uses) against rss-parser (the usual choice),
// on the rss-parser corpus and on one large generated RSS feed, plus Tributary's whole parse
// stage (decode → parse → normalize → sanitize) for scale. Run: npx tsx bench/parseCost.ts
//
// Both parsers get the same already-decoded string, so the numbers compare parsing only.
// Each figure is the best of 7 timed runs after 3 untimed ones (TIMING), the parsers taking turns
// in each round: the minimum is the run least disturbed by GC and the machine, which is what a
// comparison needs.
//
// What it showed (Node 20, 2 shared cores): throughput is a wash — 20–24 MB/s each on the corpus,
// and 23 against 29 MB/s on the 4 MB feed (feedsmith 0.8 ×, rerun 2026-11-26 with the feed
// bench/feedBody.ts generates); feedsmith is slower on tiny feeds (fixed per-call cost). The
// choice rests on what each extracts: rss-parser cannot read JSON Feed, rejects a <rss> without
// a version attribute (uolNoticias.rss), exposes no xml:base, returns an empty item for an
// empty Atom entry, fails the billion-laughs document outright, and its isoDate loses the time
// of "03 Apr 02 1500 GMT", rolls "31 Feb" into March and drops CEST dates. feedsmith also parses
// synchronously, which keeps the parse stage a pure function.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { parseFeed as feedsmithParse } from 'feedsmith';
import RssParser from 'rss-parser';

import { decodeText } from '../lambda/parse/decodeText.js';
import { parseFeedSource } from '../lambda/parse/parseFeedSource.js';
import { fastestOf } from './fastestOf.js';
import { feedBody } from './feedBody.js';

const CORPUS_DIR = fileURLToPath(new URL('../test/fixtures/feeds/rss-parser/', import.meta.url));
const OWN_FIXTURES_DIR = fileURLToPath(new URL('../test/fixtures/feeds/', import.meta.url));
const TIMING = { runs: 7, warmupRuns: 3 };
/** 5,000 items of ~0.9 KB: about 4.5 MB, under the default 5 MiB per-response cap. */
const LARGE_FEED_ITEMS = 5_000;
const LARGE_FEED_ITEM_BYTES = 450;

interface Outcome {
  /** Best run, in ms; undefined when the parser failed. */
  ms?: number;
  items?: number;
  error?: string;
}

const rssParser = new RssParser();

function feedsmithItems(text: string): number {
  const parsed = feedsmithParse(text);
  return (parsed.format === 'atom' ? parsed.feed.entries : parsed.feed.items)?.length ?? 0;
}

async function rssParserItems(text: string): Promise<number> {
  return (await rssParser.parseString(text)).items.length;
}

function pipelineItems(body: Buffer): number {
  return parseFeedSource(body, {
    contentType: undefined,
    finalUrl: 'https://bench.example/feed',
    sourceId: 'bench',
  }).items.length;
}

function mbPerSecond(bytes: number, outcome: Outcome): string {
  return outcome.ms === undefined ? 'error' : (bytes / 1e6 / (outcome.ms / 1000)).toFixed(1);
}

function cell(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

type Parser = 'feedsmith' | 'rssParser' | 'pipeline';

type Row = { name: string; bytes: number } & Record<Parser, Outcome>;

async function measureFeed(name: string, body: Buffer): Promise<Row> {
  const text = decodeText(body, undefined);
  const parsers: Record<Parser, () => Promise<number> | number> = {
    feedsmith: () => feedsmithItems(text),
    rssParser: () => rssParserItems(text),
    pipeline: () => pipelineItems(body),
  };
  // A first run counts the items and finds any parser that fails on this feed; the others are timed.
  const outcomes = {} as Record<Parser, Outcome>;
  const working: Partial<Record<Parser, () => unknown>> = {};
  for (const parser of Object.keys(parsers) as Parser[]) {
    try {
      outcomes[parser] = { items: await parsers[parser]() };
      working[parser] = parsers[parser];
    } catch (error) {
      outcomes[parser] = { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
    }
  }
  const best = await fastestOf(working, TIMING);
  for (const parser of Object.keys(best) as Parser[]) outcomes[parser].ms = best[parser];
  return { name, bytes: body.length, ...outcomes };
}

function printTable(rows: Row[]): void {
  const header = ['feed', 'KB', 'feedsmith MB/s', 'rss-parser MB/s', 'ratio', 'parseFeedSource MB/s', 'items fs/rp'];
  const widths = [28, 7, 15, 16, 6, 17, 12];
  console.log(header.map((text, i) => cell(text, widths[i]!)).join(' '));
  for (const row of rows) {
    const ratio =
      row.feedsmith.ms !== undefined && row.rssParser.ms !== undefined
        ? (row.rssParser.ms / row.feedsmith.ms).toFixed(1)
        : '-';
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
      const cause = ((error as Error).cause as Error | undefined)?.message ?? '';
      feedsmithSays = `throws "${(error as Error).message}: ${cause}"`;
    }
    let rssParserSays: string;
    try {
      const parsed = await rssParser.parseString(text);
      const first = parsed.items[0];
      const firstTitle = JSON.stringify(first?.title?.slice(0, 40));
      rssParserSays = `${parsed.items.length} items, first link ${first?.link ?? '-'}, first title ${firstTitle}`;
      if (name === 'odd-dates.rss') {
        const dates = parsed.items.map((item) => `${item.title}=${item.isoDate ?? '-'}`);
        rssParserSays += `; isoDate per item: ${dates.join(', ')}`;
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
const large = await measureFeed(
  `generated ${LARGE_FEED_ITEMS} items`,
  feedBody({ sourceId: 'news', items: LARGE_FEED_ITEMS, itemBytes: LARGE_FEED_ITEM_BYTES }),
);

console.log(
  `Node ${process.version}; best of ${TIMING.runs} runs after ${TIMING.warmupRuns} warm-up runs; ` +
    'ratio = rss-parser time / feedsmith time\n',
);
printTable([...rows, total(rows), large]);
await printDifferences(rows);
