import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lambda/core/errors.js';
import { withPublicBaseUrl } from '../../../lambda/input/readSources.js';
import { parseSourcesFile } from '../../../lambda/input/sourcesFile.js';
import { thrownBy } from '../../support/thrownBy.js';

const sources = [{ id: 'hn', url: 'https://news.ycombinator.com/rss' }];
const parse = (file: unknown) => parseSourcesFile(JSON.stringify(file), 'sources.json');
const rejection = (file: unknown) => thrownBy(InvalidInputError, () => parse(file));

describe('the feed object of the sources file', () => {
  it('is optional: without it the feed has no identity beyond the default title', () => {
    // Act
    const file = parse({ sources });

    // Assess
    expect(file.feed).toBeUndefined();
  });

  it('takes every identity field, and gives baseUrl one trailing slash so the self links hang off it', () => {
    // Act
    const file = parse({
      feed: {
        title: ' Team reading ',
        description: 'What we read',
        homePageUrl: 'https://team.example/',
        baseUrl: 'https://feeds.team.example/site',
        authors: [{ name: 'The team', url: 'https://team.example/' }],
        language: 'pt-BR',
        icon: 'https://team.example/icon.png',
        hub: 'https://hub.example/',
      },
      sources: [{ ...sources[0], title: 'Hacker News' }],
    });

    // Assess
    expect(file.feed).toEqual({
      title: 'Team reading',
      description: 'What we read',
      homePageUrl: 'https://team.example/',
      baseUrl: 'https://feeds.team.example/site/',
      authors: [{ name: 'The team', url: 'https://team.example/' }],
      language: 'pt-BR',
      icon: 'https://team.example/icon.png',
      hub: 'https://hub.example/',
    });
    expect(file.sources[0]?.title).toBe('Hacker News');
  });

  it('defaults the title when the object leaves it out', () => {
    expect(parse({ feed: { baseUrl: 'https://feeds.example/' }, sources }).feed?.title).toBe('Tributary');
  });

  it.each([
    [{ feed: { baseUrl: 'ftp://feeds.example/' }, sources }, 'feed.baseUrl: must be an http(s) URL without query'],
    [{ feed: { baseUrl: 7 }, sources }, 'feed.baseUrl: must be a URL string'],
    [{ feed: { hub: 'not a url' }, sources }, 'feed.hub: must be http or https'],
    [{ feed: { title: '' }, sources }, 'feed.title: must not be empty'],
    [{ feed: { language: 'English' }, sources }, 'feed.language: must be a language tag such as "en" or "pt-BR"'],
    [{ feed: { authors: [{}] }, sources }, 'feed.authors[0]: needs a name or a url'],
    [{ feed: { titel: 'x' }, sources }, 'feed.titel: unknown key'],
    [{ feed: 'My feed', sources }, 'feed: must be an object'],
    [{ sources: [{ ...sources[0], title: 7 }] }, 'sources[0].title: must be a string'],
  ])('rejects a bad feed field, naming it: %j', (file, message) => {
    expect(rejection(file).message).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('takes the public base URL of the deployment over the one in the file', () => {
    // Prepare
    const file = parse({ feed: { title: 'Mine', baseUrl: 'https://old.example/' }, sources });

    // Act
    const served = withPublicBaseUrl(file, 'https://d111.cloudfront.net/');

    // Assess
    expect(served.feed).toEqual({ title: 'Mine', baseUrl: 'https://d111.cloudfront.net/' });
    expect(withPublicBaseUrl(parse({ sources }), 'https://d1.example/').feed).toEqual({
      title: 'Tributary',
      baseUrl: 'https://d1.example/',
    });
    expect(withPublicBaseUrl(file, undefined)).toBe(file);
  });

  it('gives the same feed whether the deployment or the file names the address', () => {
    // Prepare
    const baseUrl = 'https://d1.example/';
    const identity = { title: 'Mine', description: 'What we read', language: 'en', hub: 'https://hub.example/' };

    // Act
    const served = [
      withPublicBaseUrl(parse({ sources }), baseUrl),
      withPublicBaseUrl(parse({ feed: identity, sources }), baseUrl),
    ];
    const written = [parse({ feed: { baseUrl }, sources }), parse({ feed: { ...identity, baseUrl }, sources })];

    // Assess
    expect(served.map((file) => file.feed)).toEqual(written.map((file) => file.feed));
  });
});
