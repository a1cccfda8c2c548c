import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lambda/core/errors.js';
import { DEFAULT_SETTINGS } from '../../../lambda/core/sourcesFileSchema.js';
import bundled from '../../../lambda/input/sources.json' with { type: 'json' };
import { parseSourcesFile } from '../../../lambda/input/sourcesFile.js';
import { thrownBy } from '../../support/thrownBy.js';

const minimal = { sources: [{ id: 'hn', url: 'https://news.ycombinator.com/rss' }] };

const rejection = (file: unknown): InvalidInputError =>
  thrownBy(InvalidInputError, () =>
    parseSourcesFile(typeof file === 'string' ? file : JSON.stringify(file), 'sources.json'),
  );

describe('sources file', () => {
  it('fills in the documented defaults for settings and type', () => {
    const file = parseSourcesFile(JSON.stringify(minimal), 'sources.json');

    expect(file.settings).toEqual({
      concurrency: 16,
      perHostConcurrency: 4,
      timeoutMs: 10_000,
      maxBytes: 5 * 1024 * 1024,
      retries: 2,
      maxItemsPerSource: 100,
      maxItems: 1000,
      perHostDelayMs: 0,
      futureDateToleranceHours: 24,
    });
    expect(file.sources[0]).toEqual({ id: 'hn', url: 'https://news.ycombinator.com/rss', type: 'feed' });
  });

  it('keeps settings given and defaults the rest', () => {
    const file = parseSourcesFile(JSON.stringify({ ...minimal, settings: { concurrency: 3 } }), 'x');

    expect(file.settings).toEqual({ ...DEFAULT_SETTINGS, concurrency: 3 });
  });

  it('accepts the bundled default sources file', () => {
    const file = parseSourcesFile(JSON.stringify(bundled), 'bundled');

    expect(file.sources.length).toBeGreaterThanOrEqual(20);
  });

  it.each([
    [
      'a non-http url',
      { sources: [minimal.sources[0], { id: 'x', url: 'ftp://example.com/feed' }] },
      'sources[1].url: must be http or https',
    ],
    ['a url that is not a URL', { sources: [{ id: 'x', url: 'not a url' }] }, 'sources[0].url: must be http or https'],
    [
      'a duplicate id',
      { sources: [minimal.sources[0], { id: 'hn', url: 'https://a.example/' }] },
      'sources[1].id: duplicate id "hn"',
    ],
    ['an unknown source key', { sources: [{ ...minimal.sources[0], urll: 'x' }] }, 'sources[0].urll: unknown key'],
    ['an unknown settings key', { ...minimal, settings: { concurency: 4 } }, 'settings.concurency: unknown key'],
    ['an unknown top-level key', { ...minimal, source: [] }, 'source: unknown key'],
    [
      'a zero concurrency',
      { ...minimal, settings: { concurrency: 0 } },
      'settings.concurrency: must be a whole number from 1 to 1024',
    ],
    [
      'a fractional timeout',
      { ...minimal, settings: { timeoutMs: 1.5 } },
      'settings.timeoutMs: must be a whole number',
    ],
    [
      'a string setting',
      { ...minimal, settings: { retries: '2' } },
      'settings.retries: must be a whole number from 0 to 10',
    ],
    ['an unknown type', { sources: [{ ...minimal.sources[0], type: 'rss' }] }, 'sources[0].type: must be "feed"'],
    [
      'an id with a slash',
      { sources: [{ id: 'a/b', url: 'https://a.example/' }] },
      'sources[0].id: must be 1-64 letters',
    ],
    ['no sources', { sources: [] }, 'sources: must list at least one source'],
  ])('rejects %s, naming the field', (_case, file, message) => {
    const error = rejection(file);

    expect(error.message).toContain(message);
    expect(error.message).toContain('sources.json');
    expect(error.code).toBe('invalid_sources');
  });

  it('rejects text that is not JSON, naming the file', () => {
    const error = rejection('{ "sources": [ ');

    expect(error.field).toBe('sources.json');
    expect(error.message).toMatch(/^sources\.json: not valid JSON/);
  });

  it('names the line and column of a JSON syntax error and shows the line with a caret under the spot', () => {
    const error = rejection('{\n  "sources": [\n    { "id": "a" "url": "https://a.example/" }\n  ]\n}\n');

    expect(error.message).toMatch(/^sources\.json: not valid JSON at line 3, column 17: /);
    expect(error.message).toContain('\n        { "id": "…" …\n                    ^');
  });

  it.each([
    [
      'a quoted header value before the spot',
      '{"sources": [{"id": "a", "headers": {"X-Api-Key": "PLAIN-KEY-1"} "url": 1}]}',
    ],
    ['an unquoted header value at the spot', '{"sources": [{"id": "a", "headers": {"X-Api-Key": PLAIN-KEY-1}}]}'],
  ])('never echoes %s in a syntax error, nor keeps V8’s quote of it as the cause', (_, text) => {
    const error = rejection(text);

    expect(error.message).toMatch(/not valid JSON at line 1, column \d+/);
    expect(error.message).not.toContain('PLAIN-KEY');
    expect(error.cause).toBeUndefined();
  });

  it('places a file that ends too early at its last character', () => {
    expect(rejection('{"sources": [').message).toMatch(/not valid JSON at line 1, column 14: Unexpected end/);
  });

  it('names every mistake in one message, with the key an unknown key was probably meant to be', () => {
    const error = rejection({
      settings: { concurency: 4, timeoutMs: 5 },
      sources: [
        { id: 'hn', ur: 'https://news.ycombinator.com/rss' },
        { id: 'lobsters', url: 'ftp://lobste.rs/rss', tpye: 'feed' },
      ],
    });

    expect(error.message).toBe(
      [
        'sources.json: 5 problems',
        '  settings.concurency: unknown key (did you mean "concurrency"?)',
        '  settings.timeoutMs: must be a whole number from 100 to 900000',
        '  sources[0].ur: unknown key (did you mean "url"?)',
        '  sources[1].tpye: unknown key (did you mean "type"?)',
        '  sources[1].url: must be http or https',
      ].join('\n'),
    );
  });

  it('reports a missing field as required, not as the wrong type', () => {
    expect(rejection({ sources: [{ url: 'https://a.example/' }] }).message).toBe(
      'sources[0].id: required (in sources.json)',
    );
  });

  it('lists at most 20 problems and counts the rest', () => {
    const sources = Array.from({ length: 25 }, (_, i) => ({ id: `s${i}`, url: 'ftp://a.example/' }));
    const lines = rejection({ sources }).message.split('\n');

    expect(lines[0]).toBe('sources.json: 25 problems');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines.at(-1)).toBe('  … and 5 more');
  });
});
