import { describe, expect, it } from 'vitest';

import { secretNames } from '../../../lambda/input/secretNames.js';
import { parseSourcesFile } from '../../../lambda/input/sourcesFile.js';

describe('secretNames', () => {
  it('lists exactly the parameters and secrets a sources file references, once each and sorted', () => {
    const file = parseSourcesFile(
      JSON.stringify({
        sources: [
          {
            id: 'a',
            url: 'https://a.example/',
            headers: { Authorization: { fromSsm: '/tributary/token' }, Accept: 'text/html' },
          },
          { id: 'b', url: 'https://b.example/', headers: { 'X-Api-Key': { fromSecret: 'prod/news-key' } } },
          {
            id: 'c',
            url: 'https://c.example/',
            headers: { Authorization: { fromSsm: '/tributary/token' }, 'X-Other': { fromSsm: 'flat-name' } },
          },
          { id: 'd', url: 'https://d.example/' },
        ],
      }),
      'sources.json',
    );

    expect(secretNames(file)).toEqual({
      parameters: ['/aws/reference/secretsmanager/prod/news-key', '/tributary/token', 'flat-name'],
      secrets: ['prod/news-key'],
    });
  });

  it('lists nothing for a sources file without secrets', () => {
    expect(
      secretNames({ sources: [{ id: 'a', url: 'https://a.example/', type: 'feed', headers: { Accept: 'x' } }] }),
    ).toEqual({
      parameters: [],
      secrets: [],
    });
  });
});
