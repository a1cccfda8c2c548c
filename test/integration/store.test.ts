import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectsCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FolderStore } from '../../lambda/adapters/folderStore.js';
import { S3Store } from '../../lambda/adapters/s3Store.js';
import { StoreError } from '../../lambda/core/errors.js';
import { INTERNAL_JSON, type Store } from '../../lambda/run/store.js';
import { createMotoBucket, type MotoServer, startMotoServer } from '../../scripts/motoServer.js';

const BUCKET = 'tributary-store';
/** More than one DeleteObjects request holds (1000 keys), by a few. */
const MORE_THAN_ONE_REQUEST = 1005;
/** Puts at once while preparing many objects, so moto is busy but not flooded. */
const PUT_CONCURRENCY = 25;

async function putAll(store: Store, keys: readonly string[]): Promise<void> {
  for (let start = 0; start < keys.length; start += PUT_CONCURRENCY) {
    await Promise.all(
      keys.slice(start, start + PUT_CONCURRENCY).map((key) => store.put(key, `{"key":"${key}"}`, INTERNAL_JSON)),
    );
  }
}

/** What deleting means to the pipeline, whichever adapter holds the objects. */
function deleteBehaviours(open: () => Promise<Store>): void {
  it('removes the named keys and leaves every other key as it was', async () => {
    // Prepare
    const store = await open();
    await putAll(store, [
      'state/state.json',
      'state/items/news/a1.json',
      'state/items/news/b2.json',
      'state/items/blog/c3.json',
    ]);

    // Act
    await store.delete(['state/items/news/a1.json', 'state/items/blog/c3.json']);

    // Assess
    expect(await store.get('state/items/news/a1.json')).toBeUndefined();
    expect(await store.get('state/items/blog/c3.json')).toBeUndefined();
    expect(await store.get('state/items/news/b2.json')).toBe('{"key":"state/items/news/b2.json"}');
    expect(await store.list('')).toEqual(['state/items/news/b2.json', 'state/state.json']);
  });

  it('treats a key that does not exist as already deleted, and still deletes the others', async () => {
    // Prepare
    const store = await open();
    await putAll(store, ['state/items/news/a1.json', 'state/items/news/b2.json']);

    // Act
    await store.delete(['state/items/news/gone.json', 'state/items/never/was.json', 'state/items/news/a1.json']);

    // Assess
    expect(await store.list('')).toEqual(['state/items/news/b2.json']);
  });

  it('deletes nothing for an empty list', async () => {
    // Prepare
    const store = await open();
    await putAll(store, ['state/items/news/a1.json']);

    // Act
    await store.delete([]);

    // Assess
    expect(await store.list('')).toEqual(['state/items/news/a1.json']);
  });
}

/** Compare-and-swap: what keeps two runs from silently overwriting each other's state. */
function conditionalWriteBehaviours(open: () => Promise<Store>): void {
  it('replaces an object only while it is at the version read, and reports a lost race as false', async () => {
    // Prepare
    const store = await open();
    await store.put('state/state.json', '{"run":0}', INTERNAL_JSON);
    const first = await store.getVersioned('state/state.json');
    const second = await store.getVersioned('state/state.json');

    // Act
    const firstWrote = await store.replaceIfVersion('state/state.json', '{"run":1}', INTERNAL_JSON, first!.version);
    const secondWrote = await store.replaceIfVersion('state/state.json', '{"run":2}', INTERNAL_JSON, second!.version);

    // Assess
    expect(first).toEqual(second);
    expect([firstWrote, secondWrote]).toEqual([true, false]);
    const now = await store.getVersioned('state/state.json');
    expect(now?.text).toBe('{"run":1}');
    expect(now?.version).not.toBe(first!.version);
  });

  it('refuses a replacement when the object was deleted since it was read', async () => {
    // Prepare
    const store = await open();
    await store.put('state/state.json', '{"run":0}', INTERNAL_JSON);
    const read = await store.getVersioned('state/state.json');
    await store.delete(['state/state.json']);

    // Act
    const wrote = await store.replaceIfVersion('state/state.json', '{"run":1}', INTERNAL_JSON, read!.version);

    // Assess
    expect(wrote).toBe(false);
    expect(await store.get('state/state.json')).toBeUndefined();
  });

  it('creates an object once: a second creator is told it lost, and the first body stays', async () => {
    // Prepare
    const store = await open();

    // Act
    const created = await Promise.all([
      store.putIfAbsent('state/state.json', '{"by":"a"}', INTERNAL_JSON),
      store.putIfAbsent('state/state.json', '{"by":"b"}', INTERNAL_JSON),
    ]);

    // Assess
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await store.get('state/state.json')).toBe(created[0] ? '{"by":"a"}' : '{"by":"b"}');
    expect(await store.getVersioned('never/written.json')).toBeUndefined();
  });

  it('lists only the objects written before a given time when asked', async () => {
    // Prepare
    const store = await open();
    await putAll(store, ['state/items/news/a1.json', 'state/items/blog/b2.json']);
    const minute = 60 * 1000;

    // Act
    const before = await store.list('state/items/', { modifiedBefore: Date.now() - minute });
    const after = await store.list('state/items/', { modifiedBefore: Date.now() + minute });

    // Assess
    expect(before).toEqual([]);
    expect(after).toEqual(['state/items/blog/b2.json', 'state/items/news/a1.json']);
  });

  it('reads a byte range, multi-byte characters intact; less past its end; nothing of a missing object', async () => {
    // Prepare: a pack of two sources' items, one JSON array a line
    const first = '[{"title":"naïve café"}]';
    const second = '[{"title":"日本語"}]';
    const store = await open();
    await store.put('state/items/_1-0/p.ndjson', `${first}\n${second}`, INTERNAL_JSON);
    const start = Buffer.byteLength(first) + 1;

    // Act
    const read = await Promise.all([
      store.getRange('state/items/_1-0/p.ndjson', 0, Buffer.byteLength(first)),
      store.getRange('state/items/_1-0/p.ndjson', start, start + Buffer.byteLength(second)),
      store.getRange('state/items/_1-0/p.ndjson', start, start + 1000),
      store.getRange('state/items/_1-0/missing.ndjson', 0, 10),
    ]);

    // Assess
    expect(read).toEqual([first, second, second, undefined]);
  });

  it('lets exactly one of many racing compare-and-swaps from the same version win', async () => {
    // Prepare
    const store = await open();
    await store.put('state/state.json', '{"run":0}', INTERNAL_JSON);
    const { version } = (await store.getVersioned('state/state.json'))!;

    // Act
    const wrote = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((run) =>
        store.replaceIfVersion('state/state.json', `{"run":${run}}`, INTERNAL_JSON, version),
      ),
    );

    // Assess
    expect(wrote.filter(Boolean)).toHaveLength(1);
    expect(await store.get('state/state.json')).toBe(`{"run":${wrote.indexOf(true) + 1}}`);
    expect(await store.list('')).toEqual(['state/state.json']);
  });
}

describe('FolderStore.delete, in a temporary folder', () => {
  const folders: string[] = [];
  const openFolder = async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tributary-store-'));
    folders.push(folder);
    return folder;
  };

  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  deleteBehaviours(async () => new FolderStore(join(await openFolder(), 'out')));
  conditionalWriteBehaviours(async () => new FolderStore(join(await openFolder(), 'out')));

  it('refuses a key escaping the folder and then deletes none of the keys', async () => {
    // Prepare
    const folder = await openFolder();
    const store = new FolderStore(join(folder, 'out'));
    await putAll(store, ['state/items/news/a1.json']);
    await writeFile(join(folder, 'outside.json'), 'not the store’s');

    // Act
    const deleting = store.delete(['state/items/news/a1.json', '../outside.json']);

    // Assess
    await expect(deleting).rejects.toThrowError(StoreError);
    await expect(deleting).rejects.toThrowError('key escapes the output folder: ../outside.json');
    expect(await readFile(join(folder, 'outside.json'), 'utf8')).toBe('not the store’s');
    expect(await store.list('')).toEqual(['state/items/news/a1.json']);
  });
});

describe('S3Store.delete, against S3 on loopback (moto)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  /** Each test gets its own prefix, so its list() sees only its own keys. */
  let tests = 0;
  const openBucket = async () => new S3Store(s3, BUCKET, `test-${++tests}/site/`);

  beforeAll(async () => {
    moto = await startMotoServer();
    ({ s3 } = await createMotoBucket(moto, BUCKET));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  deleteBehaviours(openBucket);
  conditionalWriteBehaviours(openBucket);

  it('deletes more keys than one request holds, in as few requests as possible', async () => {
    // Prepare
    const store = await openBucket();
    const keys = Array.from(
      { length: MORE_THAN_ONE_REQUEST },
      (_, index) => `state/items/bulk/${String(index).padStart(4, '0')}.json`,
    );
    await putAll(store, [...keys, 'state/state.json']);
    const send = vi.spyOn(s3, 'send');

    // Act
    await store.delete(keys);

    // Assess
    const requests = send.mock.calls
      .map(([command]) => command)
      .filter((command) => command instanceof DeleteObjectsCommand);
    expect(requests.map((request) => request.input.Delete?.Objects?.length)).toEqual([1000, 5]);
    expect(requests.every((request) => request.input.Delete?.Quiet === true)).toBe(true);
    expect(await store.list('')).toEqual(['state/state.json']);
  });

  it('sends no request for an empty list', async () => {
    // Prepare
    const store = await openBucket();
    const send = vi.spyOn(s3, 'send');

    // Act
    await store.delete([]);

    // Assess
    expect(send).not.toHaveBeenCalled();
  });

  it('fails with a StoreError carrying the cause when the request fails', async () => {
    // Prepare
    const store = new S3Store(s3, 'no-such-bucket', 'site/');

    // Act
    const deleting = store.delete(['state/items/news/a1.json', 'state/items/news/b2.json']);

    // Assess
    const error = await deleting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe(
      'cannot delete s3://no-such-bucket/site/state/items/news/a1.json and 1 more keys',
    );
    expect((error as StoreError).cause).toBeInstanceOf(S3ServiceException);
    expect(((error as StoreError).cause as S3ServiceException).name).toBe('NoSuchBucket');
  });

  it('fails naming the first key S3 could not delete, with its code and message', async () => {
    // Prepare: S3 answers 200 and lists per-key failures; moto has no way to refuse one key, so a stand-in client does.
    const refusing = {
      send: async () => ({
        Errors: [
          { Key: 'site/state/items/news/a1.json', Code: 'AccessDenied', Message: 'Access Denied' },
          { Key: 'site/state/items/news/b2.json', Code: 'AccessDenied', Message: 'Access Denied' },
        ],
      }),
    } as unknown as S3Client;
    const store = new S3Store(refusing, BUCKET, 'site/');

    // Act
    const deleting = store.delete(['state/items/news/a1.json', 'state/items/news/b2.json']);

    // Assess
    await expect(deleting).rejects.toThrowError(StoreError);
    await expect(deleting).rejects.toThrowError(
      `cannot delete s3://${BUCKET}/site/state/items/news/a1.json: AccessDenied: Access Denied (and 1 more keys)`,
    );
  });
});
