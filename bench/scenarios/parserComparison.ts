// bench/parseCost.ts is a standalone report (run it for per-feed figures and where the parsers
// disagree); this scenario takes the two totals the table needs.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { parseFeed as feedsmithParse } from 'feedsmith';
import RssParser from 'rss-parser';

import { decodeText } from '../../lambda/parse/decodeText.js';
import { parseFeedSource } from '../../lambda/parse/parseFeedSource.js';
import { fastestOf } from '../fastestOf.js';
import { feedBody } from '../feedBody.js';
import type { ScenarioOptions, ScenarioReport } from './scenario.js';

const CORPUS_DIR = fileURLToPath(new URL('../../test/fixtures/feeds/rss-parser/', import.meta.url));
const WARMUP_RUNS = 2;
const RUNS = 5;
const QUICK_RUNS = 2;

interface Throughput {
  bytes: number;
  /** Best run over the whole input, in ms: the run least disturbed by GC and the machine. */
  ms: number;
  mbPerSecond: number;
}

interface FeedSet {
  name: string;
  feeds: number;
  feedsmith: Throughput;
  rssParser: Throughput;
  /** Tributary's whole parse stage (decode, parse, normalize, sanitize) on the same bytes. */
  parseFeedSource: Throughput;
}

export interface ParserComparisonData {
  runs: number;
  sets: FeedSet[];
}

/**
 * Scenario 6: parse throughput of feedsmith (Tributary's parser) against rss-parser, on the
 * rss-parser test corpus (real feeds from 1 KB to 1.6 MB; those either parser rejects are left
 * out of both totals) and on a generated 0.8 MB news feed. Both parsers get the same decoded text.
 */
export async function parserComparison({ quick }: ScenarioOptions): Promise<ScenarioReport<ParserComparisonData>> {
  const runs = quick ? QUICK_RUNS : RUNS;
  const rssParser = new RssParser();
  const corpus: Buffer[] = [];
  for (const name of readdirSync(CORPUS_DIR).sort()) {
    const body = readFileSync(`${CORPUS_DIR}${name}`);
    const text = decodeText(body, undefined);
    try {
      feedsmithParse(text);
      await rssParser.parseString(text);
      corpus.push(body);
    } catch {
      // Rejected by one of them: not a like-for-like timing.
    }
  }
  const generated = feedBody({ sourceId: 'news', items: 250, itemBytes: 3000 });

  const measureSet = async (name: string, bodies: Buffer[]): Promise<FeedSet> => {
    const texts = bodies.map((body) => decodeText(body, undefined));
    const context = { contentType: undefined, finalUrl: 'https://bench.example/feed', sourceId: 'bench' };
    const best = await fastestOf(
      {
        feedsmith: async () => texts.forEach((text) => feedsmithParse(text)),
        rssParser: async () => {
          for (const text of texts) await rssParser.parseString(text);
        },
        parseFeedSource: async () => bodies.forEach((body) => parseFeedSource(body, context)),
      },
      { runs, warmupRuns: WARMUP_RUNS },
    );
    const bytes = bodies.reduce((sum, body) => sum + body.length, 0);
    const throughput = (ms: number): Throughput => ({ bytes, ms, mbPerSecond: bytes / 2 ** 20 / (ms / 1000) });
    return {
      name,
      feeds: bodies.length,
      feedsmith: throughput(best.feedsmith),
      rssParser: throughput(best.rssParser),
      parseFeedSource: throughput(best.parseFeedSource),
    };
  };
  const sets = [await measureSet('rss-parser corpus', corpus), await measureSet('generated news feed', [generated])];

  return {
    rows: sets.map((set) => ({
      scenario: '6 · parse throughput',
      run:
        `${set.name} (${set.feeds} feed${set.feeds === 1 ? '' : 's'}, ` +
        `${(set.feedsmith.bytes / 2 ** 20).toFixed(1)} MiB)`,
      measured: `feedsmith ${set.feedsmith.mbPerSecond.toFixed(1)} MiB/s`,
      ideal: `rss-parser ${set.rssParser.mbPerSecond.toFixed(1)} MiB/s`,
      ratio: set.feedsmith.mbPerSecond / set.rssParser.mbPerSecond,
      note:
        "ratio = feedsmith ÷ rss-parser speed; Tributary's whole parse stage (parseFeedSource) " +
        `${set.parseFeedSource.mbPerSecond.toFixed(1)} MiB/s`,
    })),
    data: { runs, sets },
  };
}
