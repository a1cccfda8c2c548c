import { describe, expect, it } from 'vitest';
import { USER_AGENT } from '../../../lambda/fetch/httpClient.js';
import { parseNetworkPolicy } from '../../../lambda/fetch/networkPolicy.js';
import { postForm } from '../../../lambda/fetch/postForm.js';
import { acceptWith, recordingHub } from '../../support/recordingHub.js';
import { serve, testClient } from './fetchHarness.js';

const FORM: [string, string][] = [
  ['hub.mode', 'publish'],
  ['hub.url', 'https://feeds.example.org/feed.xml?a=1&b=2'],
];

describe('postForm', () => {
  it('POSTs the fields form-encoded and answers with the 2xx status', async () => {
    // Prepare
    const hub = recordingHub(acceptWith(202));
    const server = await serve({ '/hub': hub.handler });

    // Act
    const answer = await postForm(await testClient(), server.url('/hub'), FORM, { timeoutMs: 2_000 });

    // Assess
    expect(answer).toEqual({ ok: true, status: 202 });
    expect(hub.pings).toEqual([{ method: 'POST', contentType: 'application/x-www-form-urlencoded', form: FORM }]);
  });

  it('names the project, as every fetch of the run does', async () => {
    // Prepare
    let userAgent: unknown;
    const hub = recordingHub(acceptWith(204));
    const server = await serve({
      '/hub': (request, response) => {
        userAgent = request.headers['user-agent'];
        hub.handler(request, response);
      },
    });

    // Act
    await postForm(await testClient(), server.url('/hub'), FORM, { timeoutMs: 2_000 });

    // Assess
    expect(userAgent).toBe(USER_AGENT);
  });

  it.each([
    [500, 'answered HTTP 500'],
    [302, 'answered HTTP 302'],
  ])('reports a %i as not accepted, following no redirect', async (status, error) => {
    // Prepare
    const server = await serve({ '/hub': recordingHub(acceptWith(status)).handler });

    // Act
    const answer = await postForm(await testClient(), server.url('/hub'), FORM, { timeoutMs: 2_000 });

    // Assess
    expect(answer).toEqual({ ok: false, error });
    expect(server.requests()).toBe(1);
  });

  it('gives up on a server that never answers once its time is over', async () => {
    // Prepare
    const server = await serve({ '/hub': recordingHub('never').handler });
    const started = performance.now();

    // Act
    const answer = await postForm(await testClient(), server.url('/hub'), FORM, { timeoutMs: 300 });

    // Assess
    expect(answer).toEqual({ ok: false, error: 'no answer within 300 ms' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it.each([
    ['the metadata address', () => 'http://169.254.169.254/hub'],
    ['a loopback literal', (port: number) => `http://127.0.0.1:${port}/hub`],
    ['a name resolving to loopback', (port: number) => `http://localhost:${port}/hub`],
  ])('refuses %s under the default network policy, and nothing connects', async (_, urlFor) => {
    // Prepare
    const server = await serve({ '/hub': recordingHub().handler });
    const port = Number(new URL(server.origin).port);

    // Act
    const answer = await postForm(await testClient(parseNetworkPolicy(undefined)), urlFor(port), FORM, {
      timeoutMs: 2_000,
    });

    // Assess
    expect(answer).toMatchObject({ ok: false, error: expect.stringMatching(/^refused to connect to /) });
    expect(server.requests()).toBe(0);
  });
});
