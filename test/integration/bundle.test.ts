import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeBundle, prepareBundle } from '../../scripts/bundleInvoker.js';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import {
  createMotoBucket,
  lambdaEnvironment,
  MOTO_CREDENTIALS,
  MOTO_REGION,
  type MotoBucket,
  type MotoServer,
  startMotoServer,
} from '../../scripts/motoServer.js';
import { serveFixture } from '../support/fixtures.js';

const credentials = MOTO_CREDENTIALS;
const region = MOTO_REGION;
const BUCKET = 'tributary-e2e';
const PREFIX = 'site';

describe('the bundle CDK deploys, run as Lambda runs it, against S3 and SNS on loopback', () => {
  let moto: MotoServer;
  let feeds: LoopbackServer;
  let bucket: MotoBucket;
  let sqs: SQSClient;
  let queueUrl: string;
  let bundle: string;
  let env: Record<string, string>;
  const privateFeedAuthorizations: string[] = [];

  beforeAll(async () => {
    [moto, feeds, bundle] = await Promise.all([
      startMotoServer(),
      startLoopbackServer({
        '/news.rss': serveFixture('e2e/news.rss', 'application/rss+xml'),
        '/blog.atom': serveFixture('e2e/blog.atom', 'application/atom+xml; charset=utf-8'),
        '/notes.json': serveFixture('e2e/notes.json', 'application/feed+json'),
        '/broken': (_request, response) => void response.writeHead(500).end('boom'),
        '/private.rss': (request, response) => {
          privateFeedAuthorizations.push(String(request.headers.authorization));
          serveFixture('e2e/news.rss', 'application/rss+xml')(request, response);
        },
      }),
      prepareBundle(),
    ]);
    const endpoint = moto.endpoint;
    const sns = new SNSClient({ region, endpoint, credentials });
    sqs = new SQSClient({ region, endpoint, credentials });

    bucket = await createMotoBucket(moto, BUCKET);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'tributary-runs' }));
    ({ QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'run-subscriber' })));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));

    const sources = {
      settings: { concurrency: 4, perHostConcurrency: 2, timeoutMs: 5000, retries: 0 },
      sources: [
        { id: 'news', url: feeds.url('/news.rss') },
        { id: 'blog', url: feeds.url('/blog.atom') },
        { id: 'notes', url: feeds.url('/notes.json') },
        { id: 'broken', url: feeds.url('/broken') },
      ],
    };
    await bucket.put('config/sources.json', JSON.stringify(sources));

    env = lambdaEnvironment(moto, {
      bucket: BUCKET,
      prefix: PREFIX,
      sourcesKey: 'config/sources.json',
      topicArn: TopicArn,
    });
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), feeds?.close()]);
  });

  const object = (key: string) => bucket.read(key);
  const keys = () => bucket.keys(`${PREFIX}/`);

  async function drainNotifications(): Promise<
    Array<{ Subject: string; Message: string; MessageAttributes: Record<string, { Value: string }> }>
  > {
    const received = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) return received;
      received.push(...Messages.map((message) => JSON.parse(message.Body ?? '{}')));
    }
  }

  it('writes feeds, page and report to S3, publishes exactly one notification, reports the broken source', async () => {
    const scheduled = {
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      time: '2026-11-26T05:00:00Z',
      detail: {},
    };

    const { result, error, stderr, lines } = await invokeBundle(bundle, scheduled, env, {
      requestId: 'test-request-id',
    });

    expect(error, stderr).toBeUndefined();
    const sourceLines = lines.filter((line) => line.sourceId);
    expect(sourceLines.map((line) => line.sourceId).sort()).toEqual(['blog', 'broken', 'news', 'notes']);
    expect(
      sourceLines.every((line) => line.runId === '20261126T050000Z-scheduled' && line.requestId === 'test-request-id'),
    ).toBe(true);
    expect(sourceLines.find((line) => line.sourceId === 'broken')).toMatchObject({
      level: 'WARN',
      errorCode: 'http_status',
    });
    const metrics = lines.filter((line) => line._aws);
    expect(metrics[0]?._aws.CloudWatchMetrics[0].Namespace).toBe('Tributary');
    expect(metrics[0]).toMatchObject({ SourcesOk: 3, SourcesFailed: 1, ItemsTotal: 4, ItemsNew: 4 });
    const everything = lines.map((line) => JSON.stringify(line)).join('\n') + stderr;
    expect(everything).not.toContain(credentials.secretAccessKey);
    expect(everything).not.toContain('flows</b>');
    expect(result).toMatchObject({
      runId: '20261126T050000Z-scheduled',
      status: 'partial',
      counts: { sources: 4, ok: 3, notModified: 0, failed: 1, items: 4, newItems: 4 },
      failures: [{ id: 'broken', url: feeds.url('/broken'), code: 'http_status' }],
      outputs: {
        feedJson: `s3://${BUCKET}/site/feed.json`,
        report: `s3://${BUCKET}/site/runs/20261126T050000Z-scheduled.json`,
      },
    });
    expect(result?.failures[0].error).toContain('500');

    const feedJson = await object('site/feed.json');
    expect(feedJson.contentType).toBe('application/feed+json');
    expect(feedJson.cacheControl).toMatch(/max-age=\d+/);
    const feed = JSON.parse(feedJson.body);
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.items.map((item: { title: string }) => item.title)).toEqual([
      'Rivers join in the delta',
      'Tributaries explained',
      'Older story',
      'A note in JSON',
    ]);
    const rivers = feed.items[0];
    expect(rivers._source).toMatchObject({ id: 'news', title: 'Loopback News' });
    expect(rivers.url).toBe('http://news.example/2026/11/rivers');
    expect(rivers.content_html).toContain('<b>flows</b>');
    expect(rivers.content_html).not.toMatch(/script|onerror/);
    expect(feed.items[1].content_html).not.toContain('javascript:');

    const atom = await object('site/feed.xml');
    expect(atom.contentType).toBe('application/atom+xml');
    expect(atom.body).toContain('<source>');
    const html = await object('site/index.html');
    expect(html.contentType).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('Rivers join in the delta');
    const status = await object('site/status.html');
    expect(status.contentType).toBe('text/html; charset=utf-8');
    expect(status.body).toContain('broken');
    const report = JSON.parse((await object('site/runs/20261126T050000Z-scheduled.json')).body);
    expect(report.sources).toHaveLength(4);
    expect(report.sources.find((source: { id: string }) => source.id === 'broken')).toMatchObject({
      status: 'failed',
      httpStatus: 500,
    });

    const notifications = await drainNotifications();
    expect(notifications).toHaveLength(1);
    expect(notifications[0]?.Subject).toBe('Tributary: 3/4 sources ok, 4 items, 4 new');
    expect(notifications[0]?.MessageAttributes.status?.Value).toBe('partial');
    expect(JSON.parse(notifications[0]?.Message ?? '{}')).toMatchObject({ runId: result?.runId, status: 'partial' });
  });

  it('treats a retried delivery of the same schedule as the same run: no fetch, no second notification', async () => {
    const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-11-26T05:00:00Z' };
    const requestsBefore = feeds.requests();

    const { result, error } = await invokeBundle(bundle, scheduled, env);

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ runId: '20261126T050000Z-scheduled', status: 'partial' });
    expect(feeds.requests()).toBe(requestsBefore);
    expect(await drainNotifications()).toHaveLength(0);
  });

  it('runs a subset dry run without writing or publishing anything', async () => {
    const before = await keys();

    const { result, error } = await invokeBundle(bundle, { sources: ['news'], dryRun: true }, env);

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ dryRun: true, counts: { sources: 1, ok: 1 } });
    expect(await keys()).toEqual(before);
    expect(await drainNotifications()).toHaveLength(0);
  });

  it('fetches with undici’s parser for CPUs without wasm SIMD, which is a file beside the chunks', async () => {
    const { result, error, stderr } = await invokeBundle(
      bundle,
      { sources: ['news'], dryRun: true },
      { ...env, UNDICI_NO_WASM_SIMD: '1' },
    );

    expect(error, stderr).toBeUndefined();
    expect(result).toMatchObject({ dryRun: true, counts: { sources: 1, ok: 1 } });
  });

  it('keeps the other sources’ items when an ad hoc run fetches only one source', async () => {
    const { result, error } = await invokeBundle(bundle, { sources: ['notes'] }, env);

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ status: 'ok', counts: { sources: 1, ok: 1, items: 4, newItems: 0 } });
    const feed = JSON.parse((await object('site/feed.json')).body);
    expect(feed.items).toHaveLength(4);
    expect(await drainNotifications()).toHaveLength(1);
  });

  it('makes one run and one notification of an ad hoc event redelivered with the same request id', async () => {
    await drainNotifications();
    const requestId = 'c0ffee00-0000-4000-8000-000000000012';
    const event = { sources: ['blog'] };
    const noTopic = { ...env, TOPIC_ARN: env.TOPIC_ARN!.replace(/tributary-runs$/, 'no-such-topic') };

    // The first delivery writes everything but cannot notify; Lambda retries it a minute later, and
    // its queue may deliver it once more after that.
    const failed = await invokeBundle(bundle, event, noTopic, { requestId });
    const fetchesAfterFirst = feeds.requests();
    const retried = await invokeBundle(bundle, event, env, { requestId });
    const duplicate = await invokeBundle(bundle, event, env, { requestId });
    const another = await invokeBundle(bundle, event, env);

    expect(failed.error).toMatchObject({ code: 'notify' });
    expect(retried.error).toBeUndefined();
    expect(duplicate.error).toBeUndefined();
    const runId = retried.result?.runId as string;
    expect(runId).toMatch(/-adhoc-/);
    expect(duplicate.result?.runId).toBe(runId);
    expect(another.result?.runId).not.toBe(runId);
    expect(feeds.requests()).toBe(fetchesAfterFirst + 1);
    const runIds = (await drainNotifications()).map((notification) => JSON.parse(notification.Message).runId);
    expect(runIds).toEqual([runId, another.result?.runId]);
    expect((await keys()).filter((key) => key.includes(`runs/${runId}.json`))).toEqual([
      `${PREFIX}/runs/${runId}.json`,
    ]);
  });

  it.each([
    ['an unknown key', { dryrun: true }, /^event\.dryrun: unknown key \(did you mean "dryRun"\?\)$/],
    [
      'an unknown source id',
      { sources: ['news', 'nope'] },
      /^event\.sources: unknown source id "nope"; valid ids: news, blog, notes, broken$/,
    ],
  ])('rejects an event with %s before any request or write', async (_case, event, message) => {
    const before = await keys();
    const requestsBefore = feeds.requests();

    const { error } = await invokeBundle(bundle, event, env);

    expect(error).toMatchObject({ code: 'invalid_event', message: expect.stringMatching(message) });
    expect(feeds.requests()).toBe(requestsBefore);
    expect(await keys()).toEqual(before);
  });

  it('names a missing environment variable', async () => {
    const { OUTPUT_BUCKET: _bucket, ...withoutBucket } = env;

    const { error } = await invokeBundle(bundle, {}, withoutBucket);

    expect(error).toMatchObject({ type: 'InvalidInputError', code: 'invalid_config' });
    expect(error?.message).toMatch(/^OUTPUT_BUCKET: is required/);
  });

  it('puts nothing on S3 it was not asked to', async () => {
    expect(
      (await keys()).filter(
        (key) => !/^site\/(feed\.json|feed\.xml|index\.html|status\.html|runs\/.+\.json|state\/.+)$/.test(key),
      ),
    ).toEqual([]);
    await expect(
      bucket.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'site/state/state.json' })),
    ).resolves.toBeDefined();
  });

  it('loads the SSM client on first use, from its own chunk, in the read-only folder', async () => {
    const ssm = new SSMClient({ region, endpoint: moto.endpoint, credentials });
    await ssm.send(
      new PutParameterCommand({ Name: '/tributary/token', Value: 'Bearer from-ssm', Type: 'SecureString' }),
    );
    const sources = {
      sources: [
        { id: 'private', url: feeds.url('/private.rss'), headers: { Authorization: { fromSsm: '/tributary/token' } } },
      ],
    };
    await bucket.put('config/private.json', JSON.stringify(sources));

    const { result, error, stderr } = await invokeBundle(
      bundle,
      { dryRun: true },
      {
        ...env,
        SOURCES_URI: `s3://${BUCKET}/config/private.json`,
        AWS_ENDPOINT_URL_SSM: moto.endpoint,
      },
    );

    expect(error, stderr).toBeUndefined();
    expect(result?.status, JSON.stringify(result?.failures)).toBe('ok');
    expect(privateFeedAuthorizations).toEqual(['Bearer from-ssm']);
  });
});
