import { describe, expect, it } from 'vitest';

import type { Source } from '../../../lambda/core/model.js';
import { resolveHeaders } from '../../../lambda/run/resolveHeaders.js';
import { SecretCache } from '../../../lambda/run/secretCache.js';
import { fakeParameterStore } from './secretFakes.js';

const TOKEN = 'ghp_s3cr3t-token-value';
const API_KEY = 'news-key-0123456789';

const sources: Source[] = [
  {
    id: 'releases',
    url: 'https://api.github.com/repos/a/b/releases',
    type: 'json',
    headers: { Authorization: { fromSsm: '/tributary/github-token' }, Accept: 'application/vnd.github+json' },
  },
  {
    id: 'news',
    url: 'https://news.example/api',
    type: 'json',
    headers: { 'X-Api-Key': { fromSecret: 'prod/news-api-key' } },
  },
  {
    id: 'more-releases',
    url: 'https://api.github.com/repos/a/c/releases',
    type: 'json',
    headers: { Authorization: { fromSsm: '/tributary/github-token' } },
  },
  { id: 'plain', url: 'https://plain.example/feed', type: 'feed', headers: { 'Accept-Language': 'en' } },
  { id: 'bare', url: 'https://bare.example/feed', type: 'feed' },
];

describe('resolveHeaders', () => {
  it('fills in every secret of the run with one read of the distinct names', async () => {
    const store = fakeParameterStore({
      '/tributary/github-token': TOKEN,
      '/aws/reference/secretsmanager/prod/news-api-key': API_KEY,
    });

    const resolved = await resolveHeaders(sources, new SecretCache(store.read));

    expect(store.reads).toEqual([['/tributary/github-token', '/aws/reference/secretsmanager/prod/news-api-key']]);
    expect(Object.fromEntries(resolved.headers)).toEqual({
      releases: { Authorization: TOKEN, Accept: 'application/vnd.github+json' },
      news: { 'X-Api-Key': API_KEY },
      'more-releases': { Authorization: TOKEN },
      plain: { 'Accept-Language': 'en' },
    });
    expect(resolved.failures.size).toBe(0);
  });

  it('reads nothing when no source references a secret', async () => {
    const store = fakeParameterStore({});

    const resolved = await resolveHeaders(sources.slice(3), new SecretCache(store.read));

    expect(store.reads).toEqual([]);
    expect(resolved.headers.get('plain')).toEqual({ 'Accept-Language': 'en' });
  });

  it('fails only the sources whose secret is missing, naming the header and the secret but not any value', async () => {
    const store = fakeParameterStore({ '/tributary/github-token': TOKEN });

    const resolved = await resolveHeaders(sources, new SecretCache(store.read));

    expect(Object.fromEntries(resolved.failures)).toEqual({
      news: {
        code: 'secret_unavailable',
        message: 'header "X-Api-Key": Secrets Manager secret "prod/news-api-key" not found',
      },
    });
    expect([...resolved.headers.keys()]).toEqual(['releases', 'more-releases', 'plain']);
  });

  it('refuses a secret value with a line break, which would inject headers, without quoting it', async () => {
    const store = fakeParameterStore({
      '/tributary/github-token': `${TOKEN}\r\nX-Injected: 1`,
      '/aws/reference/secretsmanager/prod/news-api-key': API_KEY,
    });

    const resolved = await resolveHeaders(sources.slice(0, 1), new SecretCache(store.read));

    expect(resolved.failures.get('releases')).toEqual({
      code: 'secret_unavailable',
      message:
        'header "Authorization": SSM parameter "/tributary/github-token" holds a line break, which a header value ' +
        'cannot',
    });
  });

  it('refuses a secret value with characters a header cannot carry, without quoting it', async () => {
    const store = fakeParameterStore({
      '/tributary/github-token': `${TOKEN} \u2192 next`,
      '/aws/reference/secretsmanager/prod/news-api-key': API_KEY,
    });

    const resolved = await resolveHeaders(sources.slice(0, 1), new SecretCache(store.read));

    expect(resolved.failures.get('releases')?.code).toBe('secret_unavailable');
    expect(resolved.failures.get('releases')?.message).toMatch(
      /^header "Authorization": SSM parameter "\/tributary\/github-token" holds characters a header value cannot carry/,
    );
    expect(resolved.failures.get('releases')?.message).not.toContain(TOKEN);
  });

  it('serializes as nothing, so an accidental log line cannot carry secrets', async () => {
    const store = fakeParameterStore({
      '/tributary/github-token': TOKEN,
      '/aws/reference/secretsmanager/prod/news-api-key': API_KEY,
    });

    const resolved = await resolveHeaders(sources, new SecretCache(store.read));

    expect(JSON.stringify(resolved)).toBe('{"headers":{},"failures":{}}');
  });
});
