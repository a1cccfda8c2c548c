import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/loopbackServer.js';
import {
  createMotoBucket,
  lambdaEnvironment,
  type MotoBucket,
  type MotoServer,
  startMotoServer,
} from '../../scripts/motoServer.js';
import { serveFixture } from '../support/fixtures.js';

const BUCKET = 'tributary-distributed';
const PREFIX = 'site/';
const BUNDLE = new URL('../../dist/lambda/index.mjs', import.meta.url);

type Handler = (
  event: unknown,
  context: { getRemainingTimeInMillis(): number; awsRequestId?: string },
) => Promise<Record<string, any>>;

describe("the bundle's distributed step handlers, chained as the state machine does, against S3 on loopback", () => {
  let moto: MotoServer;
  let feeds: LoopbackServer;
  let bucket: MotoBucket;
  let steps: { startHandler: Handler; workerHandler: Handler; mergeHandler: Handler };

  beforeAll(async () => {
    const serve = (name: string) => serveFixture(`e2e/${name}`);
    [moto, feeds] = await Promise.all([
      startMotoServer(),
      startLoopbackServer({
        '/news.rss': serve('news.rss'),
        '/blog.atom': serve('blog.atom'),
        '/notes.json': serve('notes.json'),
      }),
    ]);
    bucket = await createMotoBucket(moto, BUCKET);
    const sources = {
      settings: { retries: 0, timeoutMs: 5000 },
      sources: [
        { id: 'news', url: feeds.url('/news.rss') },
        { id: 'blog', url: feeds.url('/blog.atom') },
        { id: 'notes', url: feeds.url('/notes.json') },
      ],
    };
    await bucket.put('config/sources.json', JSON.stringify(sources));
    // The runtime reads its environment once, when the bundle is loaded, as at a Lambda cold start.
    Object.assign(process.env, {
      ...lambdaEnvironment(moto, { bucket: BUCKET, prefix: PREFIX, sourcesKey: 'config/sources.json' }),
      LOG_LEVEL: 'ERROR',
    });
    steps = await import(BUNDLE.href);
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), feeds?.close()]);
  });

  const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'test-request-id' };
  const object = async (key: string) => (await bucket.read(key)).body;

  it('starts, settles two batches, merges into outputs under the prefix, with full keys the Map needs', async () => {
    const event = {
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      time: '2026-11-26T05:00:00Z',
      detail: {},
    };
    const started = await steps.startHandler(
      { event, execution: { startTime: new Date().toISOString(), timeoutSeconds: 120, mergeReserveSeconds: 30 } },
      context,
    );
    expect(started).toMatchObject({
      status: 'started',
      runId: '20261126T050000Z-scheduled',
      bucket: BUCKET,
      sources: 3,
    });
    expect(started.sourcesKey).toMatch(
      /^site\/state\/shards\/20261126T050000Z-scheduled\/\d{8}T\d{6}Z\/sources\.json$/,
    );
    expect(started.resultsPrefix).toBe(`${started.sourcesKey.replace(/sources\.json$/, '')}results`);

    // The Map: ItemReader reads the array at the full key, ItemBatcher makes batches of 2 with the job as BatchInput.
    const items = JSON.parse(await object(started.sourcesKey));
    const pointers = await Promise.all(
      [items.slice(0, 2), items.slice(2)].map((batch) =>
        steps.workerHandler({ Items: batch, BatchInput: { job: started.job } }, context),
      ),
    );
    expect(pointers.map((pointer) => pointer.sources)).toEqual([2, 1]);

    const merged = await steps.mergeHandler(
      { ...started, map: { MapRunArn: 'arn:aws:states:::mapRun:x', ResultWriterDetails: {} } },
      context,
    );

    expect(merged).toMatchObject({
      runId: '20261126T050000Z-scheduled',
      status: 'ok',
      counts: { sources: 3, ok: 3, items: 4 },
    });
    expect(await bucket.keys(PREFIX)).toEqual(
      expect.arrayContaining([
        'site/feed.json',
        'site/feed.xml',
        'site/index.html',
        'site/runs/20261126T050000Z-scheduled.json',
      ]),
    );
    expect(JSON.parse(await object('site/feed.json')).items).toHaveLength(4);
  });

  it('rejects a start event without its execution details, naming the field', async () => {
    await expect(steps.startHandler({ event: {} }, context)).rejects.toThrowError(/event\.execution/);
  });
});
