import { afterAll, describe, expect, it } from 'vitest';
import type { FeedIdentity } from '../../../lambda/core/model.js';
import { createHttpClient, type HttpClient } from '../../../lambda/fetch/httpClient.js';
import { parseNetworkPolicy } from '../../../lambda/fetch/networkPolicy.js';
import { pingHub } from '../../../lambda/run/pingHub.js';
import { aRunReport, aSourceReport } from '../../support/builders/runReports.js';
import { acceptWith, recordingHub } from '../../support/recordingHub.js';
import { serve } from '../fetch/fetchHarness.js';

const BASE_URL = 'https://feeds.example.org/news/';
const NOW = Date.parse('2025-03-01T10:05:03Z');
const client = await createHttpClient({ networkPolicy: parseNetworkPolicy('127.0.0.0/8') });
const options = { client, deadline: NOW + 60_000, now: NOW };

const feedWithHub = (hub: string, overrides: Partial<FeedIdentity> = {}): FeedIdentity => ({
  title: 'News',
  baseUrl: BASE_URL,
  hub,
  ...overrides,
});
const withNewItems = aRunReport([aSourceReport({ newItems: 2 })]);

describe('pingHub', () => {
  afterAll(() => client.close());

  it('tells the hub of each feed once, by its self URL, with hub.mode=publish', async () => {
    // Prepare
    const hub = recordingHub(acceptWith(204));
    const server = await serve({ '/hub': hub.handler });

    // Act
    const warnings = await pingHub(feedWithHub(server.url('/hub')), withNewItems, options);

    // Assess
    expect(warnings).toEqual([]);
    expect(hub.pings.map((ping) => ping.form).sort()).toEqual([
      [
        ['hub.mode', 'publish'],
        ['hub.url', `${BASE_URL}feed.json`],
      ],
      [
        ['hub.mode', 'publish'],
        ['hub.url', `${BASE_URL}feed.xml`],
      ],
    ]);
  });

  it.each([
    ['a dry run', { ...withNewItems, dryRun: true }, {}],
    ['a run without new items', aRunReport([aSourceReport({ newItems: 0 })]), {}],
    ['a run that wrote no feeds', aRunReport([aSourceReport({ status: 'failed', newItems: 0 })]), {}],
    ['a feed without a public address', withNewItems, { baseUrl: undefined }],
  ])('sends nothing after %s', async (_, report, overrides) => {
    // Prepare
    const hub = recordingHub();
    const server = await serve({ '/hub': hub.handler });

    // Act
    const warnings = await pingHub(feedWithHub(server.url('/hub'), overrides), report, options);

    // Assess
    expect(warnings).toEqual([]);
    expect(server.requests()).toBe(0);
  });

  it('sends nothing for a feed without a hub', async () => {
    // Prepare: a client that fails the test if anything is sent through it
    const sendsNothing: HttpClient = {
      ...client,
      get dispatcher(): HttpClient['dispatcher'] {
        throw new Error('nothing may be sent for a feed without a hub');
      },
    };

    // Act
    const warnings = await pingHub({ title: 'News', baseUrl: BASE_URL }, withNewItems, {
      ...options,
      client: sendsNothing,
    });

    // Assess
    expect(warnings).toEqual([]);
  });

  it('warns, once per feed, when the hub answers 500', async () => {
    // Prepare
    const server = await serve({ '/hub': recordingHub(acceptWith(500)).handler });

    // Act
    const warnings = await pingHub(feedWithHub(server.url('/hub')), withNewItems, options);

    // Assess
    expect(warnings.sort()).toEqual([
      `WebSub hub ${server.url('/hub')} was not told of ${BASE_URL}feed.json: answered HTTP 500`,
      `WebSub hub ${server.url('/hub')} was not told of ${BASE_URL}feed.xml: answered HTTP 500`,
    ]);
  });

  it('warns, without waiting past its deadline, when the hub never answers', async () => {
    // Prepare
    const server = await serve({ '/hub': recordingHub('never').handler });
    const started = performance.now();

    // Act: 2.5 s left, 2 s of them kept for the notification
    const warnings = await pingHub(feedWithHub(server.url('/hub')), withNewItems, {
      ...options,
      deadline: NOW + 2_500,
    });

    // Assess
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/: no answer within 500 ms$/);
    expect(performance.now() - started).toBeLessThan(2_500);
  });

  it('warns without sending anything when no time is left before the deadline', async () => {
    // Prepare
    const server = await serve({ '/hub': recordingHub().handler });

    // Act
    const warnings = await pingHub(feedWithHub(server.url('/hub')), withNewItems, {
      ...options,
      deadline: NOW + 1_000,
    });

    // Assess
    expect(warnings).toEqual([`WebSub hub ${server.url('/hub')} not pinged: no time left before the run's deadline`]);
    expect(server.requests()).toBe(0);
  });

  it('refuses a hub at the metadata address as the network policy refuses a source there', async () => {
    // Prepare
    const defaultPolicy = await createHttpClient({ networkPolicy: parseNetworkPolicy(undefined) });

    // Act
    const warnings = await pingHub(feedWithHub('http://169.254.169.254/hub'), withNewItems, {
      ...options,
      client: defaultPolicy,
    });
    await defaultPolicy.close();

    // Assess
    expect(warnings).toHaveLength(2);
    for (const warning of warnings) expect(warning).toContain('refused to connect to 169.254.169.254');
  });

  it('never shows the query or credentials of the hub URL in a warning', async () => {
    // Prepare
    const server = await serve({ '/hub': recordingHub(acceptWith(503)).handler });
    const hubUrl = server.url('/hub?token=HUB-SECRET').replace('http://', 'http://user:PASS@');

    // Act
    const warnings = await pingHub(feedWithHub(hubUrl), withNewItems, options);

    // Assess
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).not.toMatch(/HUB-SECRET|PASS/);
  });
});
