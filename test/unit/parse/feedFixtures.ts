// Reading feed fixtures for the parse tests: one place knows where they live and how a
// fetched body is handed to the parser.
import { readdirSync, readFileSync } from 'node:fs';

import type { Item } from '../../../lambda/core/model.js';
import type { ParseContext, ParsedSource } from '../../../lambda/parse/parseContext.js';
import { parseFeedSource } from '../../../lambda/parse/parseFeedSource.js';
import { fixturePath } from '../../support/fixtures.js';

const FEEDS_DIR = fixturePath('feeds/');

/** Real-world feeds from the rss-parser project's test suite (MIT, see rss-parser-LICENSE). */
export const CORPUS_FILES = readdirSync(`${FEEDS_DIR}rss-parser`).sort();

export function readFeed(name: string): Buffer {
  return readFileSync(`${FEEDS_DIR}${name}`);
}

export function readCorpusFeed(name: string): Buffer {
  return readFeed(`rss-parser/${name}`);
}

/** The URL tests pretend a fixture was fetched from, after redirects. */
export function responseUrl(name: string): string {
  return `https://response.example/feeds/${name}`;
}

export function parseFixture(name: string, context: Partial<ParseContext> = {}): Item[] {
  return parseFeedSource(readFeed(name), aContext(name, context)).items;
}

/** One of the conformance fixtures (test/fixtures/conformance/<class>/<file>), with what its parse says. */
export function parseConformanceFixture(path: string): ParsedSource {
  return parseFeedSource(readFileSync(`${FEEDS_DIR}../conformance/${path}`), aContext(path, {}));
}

export function parseCorpusFeed(name: string, context: Partial<ParseContext> = {}): Item[] {
  return parseFeedSource(readCorpusFeed(name), aContext(name, context)).items;
}

function aContext(name: string, overrides: Partial<ParseContext>): ParseContext {
  return { contentType: undefined, finalUrl: responseUrl(name), sourceId: 'src', ...overrides };
}

/** The one item whose title is `title`; fails the test when there is not exactly one. */
export function itemTitled(items: Item[], title: string): Item {
  const matches = items.filter((item) => item.title === title);
  if (matches.length !== 1) throw new Error(`expected one item titled "${title}", found ${matches.length}`);
  return matches[0]!;
}
