import { NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { s3ObjectReader } from '../../../lambda/adapters/s3Store.js';
import { InvalidInputError, StoreError } from '../../../lambda/core/errors.js';
import { readSources } from '../../../lambda/input/readSources.js';
import { parseSourcesFile } from '../../../lambda/input/sourcesFile.js';
import { thrownBy } from '../../support/thrownBy.js';

const URI = 's3://config-bucket/tributary/sources.json';

/** An S3 client whose GetObject answers with `answer`: a body's text, or an error to throw. */
function s3Answering(answer: string | Error) {
  const client = {
    send: async () => {
      if (answer instanceof Error) throw answer;
      return { Body: { transformToString: async () => answer } };
    },
  };
  return s3ObjectReader(() => client as unknown as S3Client);
}

describe('readSources from S3', () => {
  it('reads and validates the object SOURCES_URI names', async () => {
    const file = await readSources(
      URI,
      s3Answering(JSON.stringify({ sources: [{ id: 'hn', url: 'https://news.ycombinator.com/rss' }] })),
    );

    expect(file.sources.map((source) => source.id)).toEqual(['hn']);
  });

  it('fails a missing object as a wrong setting, naming SOURCES_URI', async () => {
    const read = readSources(
      URI,
      s3Answering(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} })),
    );

    await expect(read).rejects.toThrowError(InvalidInputError);
    await expect(read).rejects.toMatchObject({
      code: 'invalid_sources',
      field: 'SOURCES_URI',
      message: `SOURCES_URI: cannot read ${URI}: no such object`,
    });
  });

  it('passes on a reader that names the wrong setting itself, as the CLI does for s3://', async () => {
    const wrongSetting = new InvalidInputError('config', '--sources', 'an s3:// URI needs the Lambda environment');

    await expect(readSources(URI, async () => Promise.reject(wrongSetting))).rejects.toBe(wrongSetting);
  });

  it('fails any other S3 error as a store error, which a retry may get past', async () => {
    const read = readSources(URI, s3Answering(new Error('socket hang up')));

    await expect(read).rejects.toThrowError(StoreError);
    await expect(read).rejects.toMatchObject({ code: 'store', message: `cannot read ${URI}: socket hang up` });
  });
});

describe('readSources checks what only the parsers can tell', () => {
  const badTerm = { sources: [{ id: 'hn', url: 'https://news.ycombinator.com/rss', filter: { include: ['/(a/'] } }] };
  const badSelector = {
    sources: [{ id: 'blog', type: 'html', url: 'https://example.com/', items: 'article[', fields: { title: 'h2' } }],
  };

  it.each([
    ['a filter term', badTerm, 'sources[0].filter.include[0]'],
    ['a selector', badSelector, 'sources[0].items'],
  ])('rejects %s the parsers refuse, with the error the CDK app gives', async (_, file, field) => {
    const text = JSON.stringify(file);
    const appError = thrownBy(InvalidInputError, () => parseSourcesFile(text, URI));

    const read = readSources(URI, s3Answering(text));

    await expect(read).rejects.toThrowError(InvalidInputError);
    await expect(read).rejects.toThrowError(appError.message);
    expect(appError.message).toContain(field);
  });

  it('accepts good terms and selectors', async () => {
    const file = {
      sources: [
        { id: 'hn', url: 'https://news.ycombinator.com/rss', filter: { include: ['/rust|zig/i'] } },
        { id: 'blog', type: 'html', url: 'https://example.com/', items: 'article', fields: { title: 'h2' } },
      ],
    };

    const read = await readSources(URI, s3Answering(JSON.stringify(file)));

    expect(read.sources.map((source) => source.id)).toEqual(['hn', 'blog']);
  });
});
