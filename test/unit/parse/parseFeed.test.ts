import { describe, expect, it } from 'vitest';

import { SourceError } from '../../../lambda/core/errors.js';
import { parseFeed } from '../../../lambda/parse/parseFeed.js';
import { thrownBy } from '../../support/thrownBy.js';
import { readCorpusFeed, readFeed } from './feedFixtures.js';

function textOf(body: Buffer): string {
  return body.toString('utf8');
}

const failureOf = (text: string): SourceError => thrownBy(SourceError, () => parseFeed(text));

describe('parseFeed', () => {
  it.each([
    ['rss-parser/guardian.rss', 'rss'],
    ['rss-parser/heraldsun.rss', 'rss'],
    ['rss-parser/heise.atom', 'atom'],
    ['rss-parser/rss-1.rss', 'rdf'],
    ['json-feed-1.0.json', 'json'],
    ['json-feed-1.1.json', 'json'],
  ])('detects the format of %s as %s', (name, format) => {
    // Act
    const parsed = parseFeed(textOf(readFeed(name)));

    // Assess
    expect(parsed.format).toBe(format);
  });

  it('reads a JSON Feed as JSON even when its content mentions an RSS element', () => {
    // Prepare
    const json = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'About feeds',
      items: [{ id: '1', content_text: 'A feed starts with <rss version="2.0"> <channel>' }],
    });

    // Act
    const parsed = parseFeed(json);

    // Assess
    expect(parsed.format).toBe('json');
  });

  it('rejects an HTML page as unsupported_format, saying it looks like one', () => {
    // Act
    const failure = failureOf(textOf(readFeed('not-a-feed.html')));

    // Assess
    expect(failure.code).toBe('unsupported_format');
    expect(failure.message).toBe('not a feed: looks like an HTML page');
  });

  it('recognises an HTML fragment without doctype as a page (unrecognized.rss)', () => {
    // Act
    const failure = failureOf(textOf(readCorpusFeed('unrecognized.rss')));

    // Assess
    expect(failure.code).toBe('unsupported_format');
    expect(failure.message).toBe('not a feed: looks like an HTML page');
  });

  it('rejects XML that is no feed as unsupported_format', () => {
    // Act
    const failure = failureOf('<?xml version="1.0"?><opml version="2.0"><body><outline text="x"/></body></opml>');

    // Assess
    expect(failure.code).toBe('unsupported_format');
    expect(failure.message).toBe('not a feed: an XML document that is not RSS, Atom or RDF');
  });

  it('rejects JSON that is no JSON Feed as unsupported_format', () => {
    // Act
    const failure = failureOf('{"status": "ok", "data": []}');

    // Assess
    expect(failure.code).toBe('unsupported_format');
    expect(failure.message).toBe('not a feed: JSON without the fields of a JSON Feed');
  });

  it('rejects an empty body as unsupported_format', () => {
    // Act
    const failure = failureOf('  \n ');

    // Assess
    expect(failure.code).toBe('unsupported_format');
    expect(failure.message).toBe('not a feed: the response is empty');
  });

  it('reads broken XML through the recovery path, saying what was wrong and where', () => {
    // Act
    const parsed = parseFeed(textOf(readFeed('malformed.rss')));

    // Assess
    expect(parsed.recovered).toBe(
      "expected closing tag 'title' (opened in line 7, col 7) instead of closing tag 'titel' at line 7, column 29",
    );
    const items = parsed.format === 'rss' ? parsed.feed.items : undefined;
    expect(items?.map((item) => item.title)).toEqual(['Mismatched tags']);
  });

  it('says nothing of recovery for a well-formed feed', () => {
    // Act
    const parsed = parseFeed(textOf(readCorpusFeed('guardian.rss')));

    // Assess
    expect(parsed.recovered).toBeUndefined();
  });

  it('fails XML that even the recovery path cannot read as malformed, with the first line and column', () => {
    // Act
    const failure = failureOf('<?xml version="1.0"?>\n<rss version="2.0">\n  <channel</rss>');

    // Assess
    expect(failure.code).toBe('malformed');
    expect(failure.message).toMatch(/^not valid XML: .* at line 3, column \d+$/);
  });

  it('rejects truncated JSON as malformed, naming the problem', () => {
    // Act
    const failure = failureOf(textOf(readFeed('malformed.json')));

    // Assess
    expect(failure.code).toBe('malformed');
    expect(failure.message).toMatch(/^not valid JSON: Unterminated string/);
  });

  it('rejects an RSS root without a channel as malformed', () => {
    // Act
    const failure = failureOf('<rss version="2.0"></rss>');

    // Assess
    expect(failure.code).toBe('malformed');
    expect(failure.message).toBe('broken feed: found no channel or feed element to read');
  });

  it('leaves the entities of a billion-laughs document unexpanded, quickly', () => {
    // Prepare
    const text = textOf(readFeed('billion-laughs.rss'));
    const started = performance.now();

    // Act
    const parsed = parseFeed(text);

    // Assess
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(parsed.format).toBe('rss');
    const item = parsed.format === 'rss' ? parsed.feed.items?.[0] : undefined;
    expect(item?.title).toBe('&lol9;');
    expect(JSON.stringify(parsed).length).toBeLessThan(text.length);
  });

  it('refuses a document declaring an external entity (XXE) without reading the file', () => {
    // Act
    const failure = failureOf(textOf(readFeed('xxe.rss')));

    // Assess
    expect(failure.code).toBe('malformed');
    expect(failure.message).toBe('not valid XML: external entities are not supported');
    expect(JSON.stringify({ message: failure.message, cause: String(failure.cause) })).not.toMatch(/root:/);
  });

  describe('through the recovery path (the same documents, with their last tag cut short)', () => {
    const broken = (text: string) => text.replace(/<\/rss>\s*$/, '</rss');

    it('still leaves billion-laughs entities unexpanded, quickly', () => {
      // Prepare
      const text = broken(textOf(readFeed('billion-laughs.rss')));
      const started = performance.now();

      // Act
      const parsed = parseFeed(text);

      // Assess
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(parsed.recovered).toMatch(/at line \d+, column \d+$/);
      const item = parsed.format === 'rss' ? parsed.feed.items?.[0] : undefined;
      expect(item?.title).toBe('&lol9;');
      expect(JSON.stringify(parsed).length).toBeLessThan(text.length);
    });

    it('still refuses a document declaring an external entity', () => {
      // Act
      const failure = failureOf(broken(textOf(readFeed('xxe.rss'))));

      // Assess
      expect(failure.code).toBe('malformed');
      expect(failure.message).toBe('not valid XML: external entities are not supported');
    });

    it('reads a 4 MB title quickly, whole (normalizing cuts it to a line)', () => {
      // Prepare
      const title = 'a'.repeat(4 * 1024 * 1024);
      const text = `<rss version="2.0"><channel><title>t</title><item><title>${title}</title></item></channel></rss`;
      const started = performance.now();

      // Act
      const parsed = parseFeed(text);

      // Assess
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(parsed.recovered).toBeDefined();
      const item = parsed.format === 'rss' ? parsed.feed.items?.[0] : undefined;
      expect(item?.title).toHaveLength(title.length);
    });
  });
});
