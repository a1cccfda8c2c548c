import { mkdtemp } from 'node:fs/promises';

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FolderStore } from '../../../lambda/adapters/folderStore.js';
import { reportKey } from '../../../lambda/core/storageLayout.js';
import { claimRun, markPublished, markWritten, releaseClaim } from '../../../lambda/run/runClaim.js';

const json = { contentType: 'application/json' };
const minute = 60_000;
const t0 = Date.parse('2026-11-26T05:00:00Z');

describe('claiming a run id', () => {
  let store: FolderStore;
  beforeEach(async () => {
    store = new FolderStore(await mkdtemp(join(tmpdir(), 'tributary-claim-')));
  });

  it('lets the first invocation have the run', async () => {
    expect(await claimRun(store, 'run-1', t0, t0 + 5 * minute)).toEqual({ kind: 'claimed' });
  });

  it('tells a second invocation the run is busy while the first may still be running', async () => {
    await claimRun(store, 'run-1', t0, t0 + 5 * minute);

    expect((await claimRun(store, 'run-1', t0 + minute, t0 + 6 * minute)).kind).toBe('busy');
  });

  it('lets a retry take over a run whose owner died (its claim expired without a report)', async () => {
    await claimRun(store, 'run-1', t0, t0 + 5 * minute);

    expect(await claimRun(store, 'run-1', t0 + 10 * minute, t0 + 15 * minute)).toEqual({ kind: 'claimed' });
    expect((await claimRun(store, 'run-1', t0 + 11 * minute, t0 + 16 * minute)).kind).toBe('busy');
  });

  it('hands back the report of a finished run that could not notify: only the notification is retried', async () => {
    await claimRun(store, 'run-1', t0, t0 + 5 * minute);
    await store.put(reportKey('run-1'), JSON.stringify({ runId: 'run-1', sources: [] }), json);
    const newItems = [{ id: 'n-1', title: 'New', url: 'https://x.example/1', sourceId: 'x' }];
    await markWritten(store, 'run-1', t0 + minute, newItems);

    const claim = await claimRun(store, 'run-1', t0 + minute, t0 + 6 * minute);

    expect(claim).toEqual({ kind: 'unpublished', report: { runId: 'run-1', sources: [] }, newItems });
  });

  it('does not take a written report for a complete run: outputs may be missing, so it runs again', async () => {
    await claimRun(store, 'run-1', t0, t0 + 5 * minute);
    await store.put(reportKey('run-1'), JSON.stringify({ runId: 'run-1', sources: [] }), json);

    expect((await claimRun(store, 'run-1', t0 + 10 * minute, t0 + 15 * minute)).kind).toBe('claimed');
  });

  it('lets a retry take over at once when the owner failed and released its claim', async () => {
    await claimRun(store, 'run-1', t0, t0 + 5 * minute);
    await releaseClaim(store, 'run-1', t0 + minute);

    expect((await claimRun(store, 'run-1', t0 + 2 * minute, t0 + 7 * minute)).kind).toBe('claimed');
  });

  it('recognises a run that is completely done', async () => {
    await claimRun(store, 'run-1', t0, t0 + 5 * minute);
    await store.put(reportKey('run-1'), JSON.stringify({ runId: 'run-1', sources: [] }), json);
    await markWritten(store, 'run-1', t0 + minute, []);
    await markPublished(store, 'run-1', t0 + 2 * minute);

    expect((await claimRun(store, 'run-1', t0 + 3 * minute, t0 + 8 * minute)).kind).toBe('published');
  });
});
