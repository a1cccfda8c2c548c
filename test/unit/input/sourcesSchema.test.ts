import { describe, expect, it } from 'vitest';

import { InvalidInputError } from '../../../lambda/core/errors.js';
import { parseSourcesFile } from '../../../lambda/input/sourcesFile.js';
import { thrownBy } from '../../support/thrownBy.js';

const RELEASES = {
  id: 'widget-releases',
  url: 'https://api.github.com/repos/acme/widget/releases',
  type: 'json',
  items: '$[*]',
  fields: {
    id: 'tag_name',
    url: 'html_url',
    title: 'name',
    date: 'published_at',
    content: 'body',
    contentType: 'text',
  },
  headers: { Authorization: { fromSsm: '/tributary/github-token' }, Accept: 'application/vnd.github+json' },
};
const BLOG = {
  id: 'eng-blog',
  url: 'https://blog.acme.example/',
  type: 'html',
  items: 'article.post',
  fields: {
    title: 'h2 a',
    url: 'h2 a@href',
    date: 'time@datetime',
    content: '.summary',
    id: 'a[href^="mailto:x@y.example"]@href',
  },
  filter: { include: ['kubernetes', '/\\bk8s\\b/i'], exclude: ['sponsored'], maxAgeDays: 30 },
};
const FEED = {
  id: 'news',
  url: 'https://news.example/rss',
  headers: { 'X-Api-Key': { fromSecret: 'prod/news-api-key' }, 'Accept-Language': 'en' },
};

const load = (...sources: unknown[]) => parseSourcesFile(JSON.stringify({ sources }), 'sources.json');

const rejection = (...sources: unknown[]): string => thrownBy(InvalidInputError, () => load(...sources)).message;

describe('sources file: json, html, headers and filters', () => {
  it('accepts json, html and feed sources with mappings, headers and filters, as written', () => {
    const file = load(RELEASES, BLOG, FEED);

    expect(file.sources).toEqual([RELEASES, BLOG, { ...FEED, type: 'feed' }]);
  });

  it.each([
    ['a json source without items', { ...RELEASES, items: undefined }, 'sources[0].items: required for type "json"'],
    ['an html source without fields', { ...BLOG, fields: undefined }, 'sources[0].fields: required for type "html"'],
    [
      'a mapping with neither title nor url',
      { ...RELEASES, fields: { id: 'tag_name', content: 'body' } },
      'sources[0].fields.title: required for type "json" (or give fields.url)',
    ],
    ['a feed with items', { ...FEED, items: 'data' }, 'sources[0].items: only for type "json" or "html"'],
    ['a feed with fields', { ...FEED, fields: { title: 'x' } }, 'sources[0].fields: only for type "json" or "html"'],
    ['an unknown type', { ...FEED, type: 'rss' }, 'sources[0].type: must be "feed", "json" or "html"'],
    [
      'an unknown field',
      { ...RELEASES, fields: { ...RELEASES.fields, author: 'user.login' } },
      'sources[0].fields.author: unknown key',
    ],
    [
      'a JSONPath filter expression',
      { ...RELEASES, items: '$[?(@.draft == false)]' },
      'sources[0].items: filters "[?(...)]" are not supported (at character 2)',
    ],
    [
      'a broken field path',
      { ...RELEASES, fields: { ...RELEASES.fields, date: 'meta..published' } },
      'sources[0].fields.date: recursive descent ".." is not supported',
    ],
    [
      'a broken CSS selector',
      { ...BLOG, fields: { ...BLOG.fields, url: 'h2 a[href@href' } },
      'sources[0].fields.url: not a CSS selector',
    ],
    [
      'an attribute name that is not one',
      { ...BLOG, fields: { ...BLOG.fields, url: 'h2 a@hr ef' } },
      'sources[0].fields.url: "hr ef" after "@" is not an attribute name',
    ],
    [
      'an html items selector naming an attribute',
      { ...BLOG, items: 'article@href' },
      'sources[0].items: must select the elements that are the items: a CSS selector, without "@attribute" or ":scope"',
    ],
    [
      'an html items selector naming the page itself',
      { ...BLOG, items: ':scope' },
      'sources[0].items: must select the elements that are the items: a CSS selector, without "@attribute" or ":scope"',
    ],
    [
      'contentType on an html source',
      { ...BLOG, fields: { ...BLOG.fields, contentType: 'html' } },
      'sources[0].fields.contentType: only for type "json"',
    ],
    [
      'a contentType other than html or text',
      { ...RELEASES, fields: { ...RELEASES.fields, contentType: 'markdown' } },
      'sources[0].fields.contentType: must be "html" or "text"',
    ],
  ])('rejects %s, naming the field', (_case, source, message) => {
    expect(rejection(source)).toContain(message);
  });

  it.each([
    ['a header name with a space', { 'Api Key': 'x' }, 'sources[0].headers.Api Key: not a valid header name'],
    [
      'a header Tributary sets itself',
      { 'If-None-Match': '"x"' },
      'sources[0].headers.If-None-Match: set by Tributary itself',
    ],
    ['the Host header', { host: 'evil.example' }, 'sources[0].headers.host: set by Tributary itself'],
    [
      'one header twice in different case',
      { Accept: 'a', accept: 'b' },
      'sources[0].headers.accept: given twice (header names ignore case)',
    ],
    [
      'a value with a line break',
      { Accept: 'text/html\r\nX-Injected: 1' },
      'sources[0].headers.Accept: must not contain line breaks',
    ],
    [
      'a value HTTP cannot carry',
      { 'X-Name': 'Zoë 🌊' },
      'sources[0].headers.X-Name: must hold only characters an HTTP header can carry',
    ],
    [
      'an unknown secret store',
      { Authorization: { fromVault: 'token' } },
      'sources[0].headers.Authorization: must be a string, {"fromSsm": "/parameter/name"} or {"fromSecret": ' +
        '"secret-name"}',
    ],
    [
      'two stores in one value',
      { Authorization: { fromSsm: '/a', fromSecret: 'b' } },
      'sources[0].headers.Authorization: must be a string',
    ],
    ['a number', { 'X-Limit': 5 }, 'sources[0].headers.X-Limit: must be a string'],
    [
      'an SSM name with a space',
      { Authorization: { fromSsm: '/tributary/my token' } },
      'sources[0].headers.Authorization.fromSsm: must be an SSM parameter name',
    ],
    [
      'an SSM hierarchy without its leading slash',
      { Authorization: { fromSsm: 'tributary/token' } },
      'sources[0].headers.Authorization.fromSsm: must be an SSM parameter name',
    ],
    [
      'a Secrets Manager reference spelled as SSM',
      { Authorization: { fromSsm: '/aws/reference/secretsmanager/token' } },
      'sources[0].headers.Authorization.fromSsm: for a Secrets Manager secret, use {"fromSecret": "<secret name>"}',
    ],
    [
      'a secret name with a space',
      { Authorization: { fromSecret: 'my token' } },
      'sources[0].headers.Authorization.fromSecret: must be a Secrets Manager secret name',
    ],
  ])('rejects %s in headers, naming the header', (_case, headers, message) => {
    expect(rejection({ ...FEED, headers })).toContain(message);
  });

  it.each([
    [
      'an invalid regex',
      { include: ['kubernetes', '/[a-/'] },
      'sources[0].filter.include[1]: not a valid regular expression',
    ],
    [
      'a regex the linear-time engine cannot run',
      { exclude: ['/(\\w)\\1/'] },
      'sources[0].filter.exclude[0]: regular expression not supported by the linear-time engine',
    ],
    [
      'a stateful regex flag',
      { exclude: ['/x/gi'] },
      'sources[0].filter.exclude[0]: regular expression flags may only be i, m, s and u',
    ],
    ['an empty keyword', { include: [''] }, 'sources[0].filter.include[0]: must not be empty'],
    ['a zero maximum age', { maxAgeDays: 0 }, 'sources[0].filter.maxAgeDays: must be more than 0'],
    ['an unknown filter key', { maxAge: 3 }, 'sources[0].filter.maxAge: unknown key'],
  ])('rejects %s in a filter, naming the term', (_case, filter, message) => {
    expect(rejection({ ...FEED, filter })).toContain(message);
  });
});
