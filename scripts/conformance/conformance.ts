// `npm run conformance`: how closely Tributary reads feeds the way Python feedparser 6 does.
// Both read every fixture under test/fixtures/conformance/<class>/ (and the real-world corpus in
// test/fixtures/feeds/rss-parser/); entries are compared in feed order by title and link, and
// feeds by how many entries a reader could show. Disagreements are listed with a reason; the
// ones where we judge feedparser wrong are in allowList.ts, each with its reason written down.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { SourceError } from '../../lambda/core/errors.js';
import { shortened } from '../../lambda/core/shortened.js';
import { MAX_TITLE_LENGTH } from '../../lambda/parse/normalizeFeed.js';
import type { ParsedSource } from '../../lambda/parse/parseContext.js';
import { parseFeedSource } from '../../lambda/parse/parseFeedSource.js';
import { collapseWhitespace, plainText } from '../../lambda/parse/plainText.js';
import { ALLOWED, type Allowance } from './allowList.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFORMANCE_DIR = 'test/fixtures/conformance';
const CORPUS_DIR = 'test/fixtures/feeds/rss-parser';
const TARGET = 0.99;

interface Fixture {
  /** Relative to the repository root; the key of the allow-list. */
  path: string;
  class: string;
  url: string;
}

interface Entry {
  title: string;
  link: string;
}

interface FeedparserFeed {
  bozo: string | null;
  entries: { title: string; titleType: string; link: string; body: boolean }[];
}

interface Disagreement {
  path: string;
  class: string;
  reason: string;
  allowance?: Allowance;
}

function fixtures(): Fixture[] {
  const found: Fixture[] = [];
  const add = (dir: string, className: string) => {
    for (const name of readdirSync(`${ROOT}${dir}`).sort()) {
      if (name === 'LICENSE' || name.endsWith('-LICENSE')) continue;
      found.push({ path: `${dir}/${name}`, class: className, url: `https://conformance.example/${className}/${name}` });
    }
  };
  for (const className of readdirSync(`${ROOT}${CONFORMANCE_DIR}`).sort()) {
    const dir = `${CONFORMANCE_DIR}/${className}`;
    if (className !== 'LICENSES' && statSync(`${ROOT}${dir}`).isDirectory()) add(dir, className);
  }
  add(CORPUS_DIR, 'real-world');
  return found;
}

/** The first Python that can import feedparser: $FEEDPARSER_PYTHON, python3, Debian's /usr/bin/python3. */
function python(): string {
  const candidates = [process.env.FEEDPARSER_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== '',
  );
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ['-c', 'import feedparser'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error('no Python with feedparser found: apt-get install python3-feedparser, or set FEEDPARSER_PYTHON');
}

function readWithFeedparser(list: Fixture[]): FeedparserFeed[] {
  const input = JSON.stringify(list.map((fixture) => ({ path: `${ROOT}${fixture.path}`, url: fixture.url })));
  const output = execFileSync(python(), [fileURLToPath(new URL('feedparserEntries.py', import.meta.url))], {
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output.toString('utf8')) as FeedparserFeed[];
}

/**
 * feedparser's entries as Tributary would show them: only entries with a title, a web link or a
 * body; titles as plain text under the same length cap; only http(s) links (Tributary never links
 * elsewhere), made canonical by the WHATWG URL parser as Tributary's are.
 */
function feedparserEntries(feed: FeedparserFeed): Entry[] {
  return feed.entries
    .map((entry) => {
      const text = /html/.test(entry.titleType) ? plainText(entry.title) : collapseWhitespace(entry.title);
      return { title: text && shortened(text, MAX_TITLE_LENGTH), link: webLink(entry.link), body: entry.body };
    })
    .filter((entry) => entry.title !== '' || entry.link !== '' || entry.body)
    .map(({ title, link }) => ({ title, link }));
}

function webLink(link: string): string {
  if (!URL.canParse(link)) return '';
  const url = new URL(link);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '';
}

function tributaryEntries(fixture: Fixture, body: Buffer): { entries: Entry[]; recovered: boolean } | SourceError {
  let parsed: ParsedSource;
  try {
    parsed = parseFeedSource(body, { contentType: undefined, finalUrl: fixture.url, sourceId: 'conformance' });
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  return {
    entries: parsed.items.map((item) => ({ title: item.title ?? '', link: item.url ?? '' })),
    recovered: parsed.recovered !== undefined,
  };
}

interface Tally {
  entries: number;
  agreeingEntries: number;
  /** Of the agreeing entries, those that agree only by the allow-list. */
  allowedEntries: number;
  feeds: number;
  agreeingCounts: number;
  allowedCounts: number;
  /** Feeds Tributary read through its recovery path. */
  recovered: number;
}

const emptyTally = (): Tally => ({
  entries: 0,
  agreeingEntries: 0,
  allowedEntries: 0,
  feeds: 0,
  agreeingCounts: 0,
  allowedCounts: 0,
  recovered: 0,
});

function quoted(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text);
}

/** Why entry `index` differs, or undefined when title and link agree. */
function entryDifference(index: number, theirs: Entry | undefined, ours: Entry | undefined): string | undefined {
  if (ours === undefined) return `entry ${index}: missing in Tributary (feedparser: ${quoted(theirs?.title ?? '')})`;
  if (theirs === undefined) return `entry ${index}: only in Tributary (${quoted(ours.title)})`;
  if (theirs.title !== ours.title) {
    return `entry ${index}: title ${quoted(ours.title)}, feedparser ${quoted(theirs.title)}`;
  }
  if (theirs.link !== ours.link) return `entry ${index}: link ${quoted(ours.link)}, feedparser ${quoted(theirs.link)}`;
  return undefined;
}

function compare(fixture: Fixture, feed: FeedparserFeed, body: Buffer, tally: Tally, out: Disagreement[]): boolean {
  const theirs = feedparserEntries(feed);
  const read = tributaryEntries(fixture, body);
  const allowance = ALLOWED[fixture.path];
  const disagree = (reason: string) => out.push({ path: fixture.path, class: fixture.class, reason, allowance });
  tally.feeds += 1;
  if (read instanceof SourceError) {
    tally.entries += theirs.length;
    if (theirs.length === 0) tally.agreeingCounts += 1;
    else disagree(`failed in Tributary (${read.code}: ${read.message}); feedparser reads ${theirs.length}`);
    return theirs.length > 0;
  }
  const ours = read.entries;
  if (read.recovered) tally.recovered += 1;
  const length = Math.max(theirs.length, ours.length);
  tally.entries += length;
  if (theirs.length === ours.length) tally.agreeingCounts += 1;
  else {
    disagree(`${ours.length} entries, feedparser ${theirs.length}`);
    if (allowance) (tally.agreeingCounts += 1), (tally.allowedCounts += 1);
  }
  for (let index = 0; index < length; index += 1) {
    const difference = entryDifference(index, theirs[index], ours[index]);
    if (difference === undefined) tally.agreeingEntries += 1;
    else {
      disagree(difference);
      if (allowance) (tally.agreeingEntries += 1), (tally.allowedEntries += 1);
    }
  }
  return false;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)} %`;
}

function line(name: string, tally: Tally): string {
  const entries = `${percent(tally.agreeingEntries, tally.entries)} of ${tally.entries} entries`;
  const strictEntries = percent(tally.agreeingEntries - tally.allowedEntries, tally.entries);
  const counts = `${percent(tally.agreeingCounts, tally.feeds)} of ${tally.feeds} feeds' counts`;
  const strictCounts = percent(tally.agreeingCounts - tally.allowedCounts, tally.feeds);
  const recovered = `${tally.recovered} recovered`;
  const entriesColumn = `${entries.padEnd(26)} (${strictEntries.padStart(7)})`;
  const countsColumn = `${counts.padEnd(29)} (${strictCounts.padStart(7)})`;
  return `${name.padEnd(18)} ${entriesColumn}   ${countsColumn}   ${recovered}`;
}

function main(): void {
  const list = fixtures();
  const feeds = readWithFeedparser(list);
  const total = emptyTally();
  const byClass = new Map<string, Tally>();
  const disagreements: Disagreement[] = [];
  const failedButReadable: string[] = [];
  list.forEach((fixture, index) => {
    const tally = byClass.get(fixture.class) ?? emptyTally();
    byClass.set(fixture.class, tally);
    const classDisagreements: Disagreement[] = [];
    const failed = compare(fixture, feeds[index]!, readFileSync(`${ROOT}${fixture.path}`), tally, classDisagreements);
    if (failed) failedButReadable.push(fixture.path);
    disagreements.push(...classDisagreements);
  });
  for (const tally of byClass.values()) {
    total.entries += tally.entries;
    total.agreeingEntries += tally.agreeingEntries;
    total.feeds += tally.feeds;
    total.agreeingCounts += tally.agreeingCounts;
    total.allowedEntries += tally.allowedEntries;
    total.allowedCounts += tally.allowedCounts;
    total.recovered += tally.recovered;
  }
  const open = disagreements.filter((disagreement) => !disagreement.allowance);
  const allowed = disagreements.filter((disagreement) => disagreement.allowance);
  console.log(`Disagreements (${open.length}):`);
  for (const { path, reason } of open) console.log(`  ${path}: ${reason}`);
  console.log(`\nAllowed, feedparser judged wrong (${allowed.length}):`);
  for (const { path, reason, allowance } of allowed) console.log(`  ${path}: ${reason}\n    why: ${allowance}`);
  console.log('\nAgreement with feedparser, by class (in brackets: without the allow-list):');
  for (const [name, tally] of [...byClass].sort(([a], [b]) => a.localeCompare(b)))
    console.log(`  ${line(name, tally)}`);
  console.log(`  ${line('overall', total)}`);
  console.log(`Feeds feedparser reads with entries that fail in Tributary: ${failedButReadable.length}`);
  const met =
    total.agreeingEntries >= TARGET * total.entries &&
    total.agreeingCounts >= TARGET * total.feeds &&
    failedButReadable.length === 0;
  if (!met) {
    console.log(`Below the target (${TARGET * 100} % of entries and of counts, no readable feed failed).`);
    process.exitCode = 1;
  }
}

main();
