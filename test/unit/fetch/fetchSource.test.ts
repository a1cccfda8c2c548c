import type { ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { FetchOutcome } from '../../../lambda/core/model.js';
import { type FetchSourceOptions, fetchSource } from '../../../lambda/fetch/fetchSource.js';
import type { HttpClient } from '../../../lambda/fetch/httpClient.js';
import { parseNetworkPolicy } from '../../../lambda/fetch/networkPolicy.js';
import { hang, respondAfter, serve, source, testClient, testSettings } from './fetchHarness.js';

const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>';

async function fetchUrl(
  url: string,
  options: Partial<FetchSourceOptions> = {},
  client?: HttpClient,
): Promise<FetchOutcome> {
  return fetchSource(client ?? (await testClient()), source(url), { settings: testSettings, ...options });
}

function failureOf(outcome: FetchOutcome) {
  if (outcome.status !== 'failed') throw new Error(`expected a failure, got ${outcome.status}`);
  return outcome.failure;
}

function bodyOf(outcome: FetchOutcome): string {
  if (outcome.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.body.toString('utf8');
}

/** Sends `first` to the first request and a 200 feed to every later one. */
function failOnce(first: (response: ServerResponse) => void) {
  let calls = 0;
  return (_request: unknown, response: ServerResponse) => {
    calls += 1;
    if (calls === 1) first(response);
    else response.writeHead(200).end(FEED);
  };
}

function redirectTo(status: number, location: string) {
  return (_request: unknown, response: ServerResponse) => response.writeHead(status, { location }).end();
}

describe('fetchSource: responses', () => {
  it('returns the body, content type, validators and final URL of a 200', async () => {
    const server = await serve({
      '/feed': (_request, response) =>
        response
          .writeHead(200, {
            'content-type': 'application/rss+xml',
            etag: '"v1"',
            'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
          })
          .end(FEED),
    });

    const outcome = await fetchUrl(server.url('/feed'));

    expect(outcome).toMatchObject({
      status: 'ok',
      httpStatus: 200,
      contentType: 'application/rss+xml',
      finalUrl: server.url('/feed'),
      validators: { etag: '"v1"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' },
      bytes: Buffer.byteLength(FEED),
      attempts: 1,
    });
    expect(bodyOf(outcome)).toBe(FEED);
  });

  it('names the project and its version, prefers feeds and offers compression', async () => {
    let headers: Record<string, unknown> = {};
    const server = await serve({ '/feed': (request, response) => ((headers = request.headers), response.end(FEED)) });

    await fetchUrl(server.url('/feed'));

    expect(headers['user-agent']).toMatch(
      /^Tributary\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/tributary-feeds\/tributary\)$/,
    );
    expect(headers.accept).toMatch(/^application\/feed\+json, application\/atom\+xml, application\/rss\+xml/);
    expect(headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('sends the remembered validators and reports a 304 as not_modified', async () => {
    const server = await serve({
      '/feed': (request, response) => {
        const unchanged =
          request.headers['if-none-match'] === '"v1"' &&
          request.headers['if-modified-since'] === 'Wed, 01 Jan 2025 00:00:00 GMT';
        response.writeHead(unchanged ? 304 : 200).end(unchanged ? undefined : FEED);
      },
    });

    const outcome = await fetchUrl(server.url('/feed'), {
      validators: { etag: '"v1"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' },
    });

    expect(outcome).toMatchObject({ status: 'not_modified', httpStatus: 304, finalUrl: server.url('/feed') });
  });

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('decodes a %s body and counts the bytes as received', async (encoding, compress) => {
    const compressed = compress(Buffer.from(FEED.repeat(50)));
    const server = await serve({
      '/feed': (_request, response) => response.writeHead(200, { 'content-encoding': encoding }).end(compressed),
    });

    const outcome = await fetchUrl(server.url('/feed'));

    expect(bodyOf(outcome)).toBe(FEED.repeat(50));
    expect(outcome.bytes).toBe(compressed.length);
  });

  it('undoes two stacked codings, last applied first', async () => {
    const compressed = brotliCompressSync(gzipSync(Buffer.from(FEED)));
    const server = await serve({
      '/feed': (_request, response) => response.writeHead(200, { 'content-encoding': 'gzip, br' }).end(compressed),
    });

    expect(bodyOf(await fetchUrl(server.url('/feed')))).toBe(FEED);
  });

  it('refuses a third coding as bad_encoding before decoding anything', async () => {
    // Not compressed at all: had a decoder been made, the failure would be `malformed`.
    const server = await serve({
      '/feed': (_request, response) => response.writeHead(200, { 'content-encoding': 'br, br, gzip' }).end(FEED),
    });

    expect(failureOf(await fetchUrl(server.url('/feed')))).toEqual({
      code: 'bad_encoding',
      message: '3 content codings stacked; at most 2 are accepted',
    });
  });

  it('fails as malformed when the body is not what its Content-Encoding says', async () => {
    const server = await serve({
      '/feed': (_request, response) => response.writeHead(200, { 'content-encoding': 'gzip' }).end(FEED),
    });

    expect(failureOf(await fetchUrl(server.url('/feed')))).toMatchObject({ code: 'malformed' });
  });
});

describe('fetchSource: size cap', () => {
  const settings = { ...testSettings, maxBytes: 64 * 1024 };

  it('cuts off a streamed body once it passes maxBytes', async () => {
    const server = await serve({
      '/big': (_request, response) => {
        response.writeHead(200); // chunked: no Content-Length to reject early
        response.write(Buffer.alloc(48 * 1024, 'a'));
        response.end(Buffer.alloc(48 * 1024, 'a'));
      },
    });

    const outcome = await fetchUrl(server.url('/big'), { settings });

    expect(failureOf(outcome)).toEqual({ code: 'too_large', message: 'response larger than 65536 bytes' });
    expect(outcome.httpStatus).toBe(200);
  });

  it('rejects a declared Content-Length above maxBytes without waiting for the body', async () => {
    const server = await serve({
      // Promises 1 MiB, sends a little, then stalls: reading on would end in a timeout instead.
      '/big': (_request, response) => response.writeHead(200, { 'content-length': 1024 * 1024 }).write('<rss>'),
    });

    const outcome = await fetchUrl(server.url('/big'), { settings: { ...settings, timeoutMs: 5_000 } });

    expect(failureOf(outcome).code).toBe('too_large');
    expect(outcome.durationMs).toBeLessThan(2_000);
  });

  it('stops inflating a gzip bomb at the cap', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024)); // 50 MiB of zeros in ~50 KB
    const server = await serve({
      '/bomb': (_request, response) => response.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb),
    });
    const heapBefore = process.memoryUsage().arrayBuffers;

    const outcome = await fetchUrl(server.url('/bomb'), { settings });

    expect(failureOf(outcome).code).toBe('too_large');
    expect(outcome.durationMs).toBeLessThan(1_000);
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(10 * 1024 * 1024);
  });
});

describe('fetchSource: timeouts', () => {
  const settings = { ...testSettings, timeoutMs: 300 };

  it('times out a server that never sends headers', async () => {
    const server = await serve({ '/hang': hang });

    const outcome = await fetchUrl(server.url('/hang'), { settings });

    expect(failureOf(outcome)).toMatchObject({ code: 'timeout', message: expect.stringContaining('300 ms') });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(250);
    expect(outcome.durationMs).toBeLessThan(2_000);
  });

  it('times out a body that keeps dripping, even though no single gap is long', async () => {
    const server = await serve({
      '/drip': (_request, response) => {
        response.writeHead(200);
        const timer = setInterval(() => response.write('<item/>'), 50);
        response.once('close', () => clearInterval(timer));
      },
    });

    const outcome = await fetchUrl(server.url('/drip'), { settings });

    expect(failureOf(outcome).code).toBe('timeout');
    expect(outcome.bytes).toBeGreaterThan(0);
    expect(outcome.durationMs).toBeLessThan(2_000);
  });
});

describe('fetchSource: time the event loop was blocked', () => {
  const settings = { ...testSettings, timeoutMs: 300 };
  /** Keeps the thread busy for `ms` from 20 ms on, as parsing another source's big body would. */
  const blockLoopSoon = (ms: number) =>
    setTimeout(() => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    }, 20).unref();

  it('does not count against an attempt, so a response that arrived meanwhile is read', async () => {
    // The server writes its response while the loop is blocked; only the client's reading waits.
    const server = await serve({ '/feed': respondAfter(50, 200, FEED) });

    const fetching = fetchUrl(server.url('/feed'), { settings });
    blockLoopSoon(600);
    const outcome = await fetching;

    expect(bodyOf(outcome)).toBe(FEED);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(600);
  });

  it('still times out a server that never answers', async () => {
    const server = await serve({ '/hang': hang });
    const started = performance.now();

    const fetching = fetchUrl(server.url('/hang'), { settings });
    blockLoopSoon(600);
    const outcome = await fetching;

    expect(failureOf(outcome).code).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('fetchSource: redirects', () => {
  it('follows redirects and reports the final URL', async () => {
    const server = await serve({
      '/old': (_request, response) => response.writeHead(301, { location: '/moved' }).end(),
      '/moved': (_request, response) => response.writeHead(302, { location: '/feed' }).end(),
      '/feed': (_request, response) => response.end(FEED),
    });

    const outcome = await fetchUrl(server.url('/old'));

    expect(bodyOf(outcome)).toBe(FEED);
    expect(outcome).toMatchObject({ finalUrl: server.url('/feed') });
  });

  it.each([
    ['301 then 308', [301, 308], '/hop-2'],
    ['301 then 302', [301, 302], undefined],
    ['307 then 301', [307, 301], undefined],
    ['no redirect', [], undefined],
  ])(
    'reports where the source moved for good only when every redirect was permanent: %s',
    async (_name, statuses, movedTo) => {
      const hops = Object.fromEntries(
        statuses.map((status, index) => [`/hop-${index}`, redirectTo(status, `/hop-${index + 1}`)] as const),
      );
      const server = await serve({ ...hops, [`/hop-${statuses.length}`]: (_request, response) => response.end(FEED) });

      const outcome = await fetchUrl(server.url('/hop-0'));

      expect(bodyOf(outcome)).toBe(FEED);
      expect(outcome).toMatchObject({ finalUrl: server.url(`/hop-${statuses.length}`) });
      expect(outcome.status === 'ok' ? outcome.permanentRedirect : outcome.status).toBe(movedTo && server.url(movedTo));
    },
  );

  it('reports a permanent redirect on a 304 as well', async () => {
    const server = await serve({
      '/old': redirectTo(308, '/feed'),
      '/feed': (_request, response) => response.writeHead(304).end(),
    });

    const outcome = await fetchUrl(server.url('/old'), { validators: { etag: '"v1"' } });

    expect(outcome).toEqual(
      expect.objectContaining({ status: 'not_modified', permanentRedirect: server.url('/feed') }),
    );
  });

  it('gives up on a redirect loop after 5 redirects', async () => {
    const server = await serve({
      '/loop': (_request, response) => response.writeHead(302, { location: '/loop' }).end(),
    });

    const outcome = await fetchUrl(server.url('/loop'));

    expect(failureOf(outcome).code).toBe('too_many_redirects');
    expect(server.requests('/loop')).toBe(6);
  });

  it.each(['ftp://example.com/feed.xml', 'file:///etc/passwd'])('refuses a redirect to %s', async (location) => {
    const server = await serve({ '/feed': (_request, response) => response.writeHead(302, { location }).end() });

    const outcome = await fetchUrl(server.url('/feed'));

    expect(failureOf(outcome)).toMatchObject({ code: 'bad_redirect', message: expect.stringContaining(location) });
  });

  it('refuses a redirect to a blocked address without connecting to it', async () => {
    const server = await serve({
      '/feed': (_request, response) =>
        response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    });
    const client = await testClient(parseNetworkPolicy('127.0.0.1/32'));

    const outcome = await fetchUrl(server.url('/feed'), {}, client);

    expect(failureOf(outcome)).toMatchObject({
      code: 'blocked_address',
      message: expect.stringContaining('169.254.169.254'),
    });
  });
});

describe('fetchSource: network policy', () => {
  it.each([
    ['an IPv4 loopback literal', (port: number) => `http://127.0.0.1:${port}/feed`],
    ['a hostname resolving to loopback', (port: number) => `http://localhost:${port}/feed`],
    ['an IPv4-mapped IPv6 loopback literal', (port: number) => `http://[::ffff:127.0.0.1]:${port}/feed`],
  ])('refuses %s by default and never reaches the server', async (_name, urlFor) => {
    const server = await serve({ '/feed': (_request, response) => response.end(FEED) });
    const port = Number(new URL(server.origin).port);

    const outcome = await fetchUrl(urlFor(port), {}, await testClient(parseNetworkPolicy(undefined)));

    expect(failureOf(outcome).code).toBe('blocked_address');
    expect(outcome.attempts).toBe(1);
    expect(server.requests()).toBe(0);
  });

  it('reaches a hostname whose address the policy allows', async () => {
    const server = await serve({ '/feed': (_request, response) => response.end(FEED) });

    const outcome = await fetchUrl(server.url('/feed').replace('127.0.0.1', 'localhost'));

    expect(bodyOf(outcome)).toBe(FEED);
  });
});

describe('fetchSource: failures and retries', () => {
  const settings = { ...testSettings, retries: 2 };

  it('retries a 503 and succeeds on the second attempt', async () => {
    const server = await serve({ '/feed': failOnce((response) => response.writeHead(503).end()) });

    const outcome = await fetchUrl(server.url('/feed'), { settings });

    expect(bodyOf(outcome)).toBe(FEED);
    expect(outcome.attempts).toBe(2);
  });

  it('waits as long as a 429 Retry-After asks before retrying', async () => {
    const server = await serve({
      '/feed': failOnce((response) => response.writeHead(429, { 'retry-after': '1' }).end()),
    });

    const outcome = await fetchUrl(server.url('/feed'), { settings });

    expect(bodyOf(outcome)).toBe(FEED);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(950);
  });

  it.each([429, 503])('fails %i as rate_limited at once when Retry-After would pass the deadline', async (status) => {
    // 30 s is a wait we would honour (under the 60 s cap) were the deadline not 5 s away.
    const server = await serve({
      '/feed': (_request, response) => response.writeHead(status, { 'retry-after': '30' }).end(),
    });

    const outcome = await fetchUrl(server.url('/feed'), { settings, deadline: Date.now() + 5_000 });

    expect(failureOf(outcome).code).toBe('rate_limited');
    expect(outcome).toMatchObject({ httpStatus: status, attempts: 1 });
    expect(outcome.durationMs).toBeLessThan(1_000);
  });

  it('reports a 429 that persists through every retry as rate_limited', async () => {
    const server = await serve({
      '/feed': (_request, response) => response.writeHead(429, { 'retry-after': '0' }).end(),
    });

    const outcome = await fetchUrl(server.url('/feed'), { settings });

    expect(failureOf(outcome)).toEqual({ code: 'rate_limited', message: 'HTTP 429 Too Many Requests' });
    expect(server.requests('/feed')).toBe(3);
  });

  it('does not retry a 404', async () => {
    const server = await serve({});

    const outcome = await fetchUrl(server.url('/missing'), { settings });

    expect(failureOf(outcome)).toEqual({ code: 'http_status', message: 'HTTP 404 Not Found' });
    expect(outcome).toMatchObject({ httpStatus: 404, attempts: 1 });
    expect(server.requests('/missing')).toBe(1);
  });

  it('reports the last 5xx once the retries are used up', async () => {
    const server = await serve({ '/feed': (_request, response) => response.writeHead(500).end() });

    const outcome = await fetchUrl(server.url('/feed'), { settings: { ...settings, retries: 1 } });

    expect(failureOf(outcome)).toEqual({ code: 'http_status', message: 'HTTP 500 Internal Server Error' });
    expect(outcome.attempts).toBe(2);
  });

  it('reports a connection reset as a network failure after retrying it', async () => {
    const server = await serve({ '/feed': (request) => void request.socket.destroy() });

    const outcome = await fetchUrl(server.url('/feed'), { settings: { ...settings, retries: 1 } });

    expect(failureOf(outcome).code).toBe('network');
    expect(server.requests('/feed')).toBe(2);
  });

  it('reports an unknown host as a dns failure', async () => {
    const outcome = await fetchUrl('http://tributary-test.invalid/feed');

    expect(failureOf(outcome)).toMatchObject({
      code: 'dns',
      message: expect.stringContaining('tributary-test.invalid'),
    });
  });

  it('ends with deadline when the run is aborted mid-request', async () => {
    const server = await serve({ '/hang': hang });

    const outcome = await fetchUrl(server.url('/hang'), { settings, signal: AbortSignal.timeout(200) });

    expect(failureOf(outcome).code).toBe('deadline');
    expect(outcome.attempts).toBe(1);
  });

  it('ends with deadline when the run is aborted during a backoff wait', async () => {
    const server = await serve({
      '/feed': (_request, response) => response.writeHead(429, { 'retry-after': '5' }).end(),
    });

    const outcome = await fetchUrl(server.url('/feed'), { settings, signal: AbortSignal.timeout(200) });

    expect(failureOf(outcome).code).toBe('deadline');
    expect(outcome.durationMs).toBeLessThan(2_000);
  });

  it('answers a source with an unparseable URL with a failure rather than throwing', async () => {
    expect(failureOf(await fetchUrl('not a url')).code).toBe('internal');
  });
});

describe('fetchSource: the source’s own headers', () => {
  const echoAuthorization =
    (seen: Array<string | undefined>) => (request: { headers: Record<string, unknown> }, response: ServerResponse) => {
      seen.push(request.headers.authorization as string | undefined);
      response.writeHead(200, { 'content-type': 'application/rss+xml' }).end(FEED);
    };

  it('sends them, letting a configured Accept replace ours', async () => {
    let accept: unknown;
    const seen: Array<string | undefined> = [];
    const server = await serve({
      '/feed': (request, response) => {
        accept = request.headers.accept;
        echoAuthorization(seen)(request, response);
      },
    });

    await fetchUrl(server.url('/feed'), { headers: { Authorization: 'Bearer s3cret', Accept: 'application/json' } });

    expect(seen).toEqual(['Bearer s3cret']);
    expect(accept).toBe('application/json');
  });

  it("lets a configured User-Agent replace the project's", async () => {
    let userAgent: unknown;
    const server = await serve({
      '/feed': (request, response) => ((userAgent = request.headers['user-agent']), response.end(FEED)),
    });

    await fetchUrl(server.url('/feed'), { headers: { 'User-Agent': 'Reader/2.0' } });

    expect(userAgent).toBe('Reader/2.0');
  });

  it('keeps them on a redirect within the origin and drops them on a redirect to another origin', async () => {
    const seenHere: Array<string | undefined> = [];
    const seenElsewhere: Array<string | undefined> = [];
    const elsewhere = await serve({ '/feed': echoAuthorization(seenElsewhere) });
    const here = await serve({
      '/moved-here': redirectTo(301, '/feed'),
      '/feed': echoAuthorization(seenHere),
      '/moved-away': redirectTo(302, elsewhere.url('/feed')),
    });
    const headers = { Authorization: 'Bearer s3cret' };

    await fetchUrl(here.url('/moved-here'), { headers });
    await fetchUrl(here.url('/moved-away'), { headers });

    expect(seenHere).toEqual(['Bearer s3cret']);
    expect(seenElsewhere).toEqual([undefined]);
  });
});
