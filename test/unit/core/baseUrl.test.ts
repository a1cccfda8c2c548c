import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lambda/core/errors.js';
import { parseSourcesFile } from '../../../lambda/input/sourcesFile.js';
import { readLambdaConfig } from '../../../lambda/main/config.js';
import { thrownBy } from '../../support/thrownBy.js';

// PUBLIC_BASE_URL and the sources file's feed.baseUrl are two ways to say the same thing: both
// are read here through their own entry point, and must agree.
const fromEnvironment = (url: string) => readLambdaConfig({ OUTPUT_BUCKET: 'out', PUBLIC_BASE_URL: url });
const fromSourcesFile = (url: string) =>
  parseSourcesFile(JSON.stringify({ feed: { baseUrl: url }, sources: [{ id: 'a', url: 'https://a.example/' }] }), 's');

describe('the public base URL, as PUBLIC_BASE_URL and as feed.baseUrl', () => {
  it.each([
    ['a bare host', 'https://d111.cloudfront.net', 'https://d111.cloudfront.net/'],
    ['a folder without its slash', 'https://feeds.example/site', 'https://feeds.example/site/'],
    ['a folder with its slash', 'https://feeds.example/site/', 'https://feeds.example/site/'],
    ['http with a port', 'http://127.0.0.1:8080/out', 'http://127.0.0.1:8080/out/'],
    ['surrounding spaces', '  https://feeds.example/  ', 'https://feeds.example/'],
  ])('spells %s the same way in both', (_, given, expected) => {
    // Act
    const environment = fromEnvironment(given).publicBaseUrl;
    const file = fromSourcesFile(given).feed?.baseUrl;

    // Assess
    expect(environment).toBe(expected);
    expect(file).toBe(expected);
  });

  it.each([
    ['not http(s)', 'ftp://feeds.example/'],
    ['with a query, which would land inside every self link', 'https://feeds.example/?v=1'],
    ['with a fragment', 'https://feeds.example/#top'],
    ['without a scheme', 'feeds.example/site/'],
    ['with a space in the host', 'https://feeds example/'],
    ['that URL cannot parse', 'https://[::1/'],
  ])('refuses a URL %s in both, each error naming its own field', (_, given) => {
    // Act
    const environment = thrownBy(InvalidInputError, () => fromEnvironment(given));
    const file = thrownBy(InvalidInputError, () => fromSourcesFile(given));

    // Assess
    expect(environment.message).toBe(
      `PUBLIC_BASE_URL: must be an http(s) URL without query or fragment: "${given.trim()}"`,
    );
    expect(file.message).toMatch(/^feed\.baseUrl: must be an http\(s\) URL without query or fragment/);
  });
});
