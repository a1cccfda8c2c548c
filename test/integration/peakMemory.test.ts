import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackServer, startLoopbackServer } from '../support/loopbackServer.js';
import { paddedFeed } from './support/generatedFeeds.js';
import { serveBody } from './support/faultRoutes.js';
import type { PeakMemoryInput, PeakMemoryResult } from './support/peakMemoryRun.js';

// Memory is measured in a child process (support/peakMemoryRun.ts) so that the peak is the run's
// own: the loopback server and the bodies it serves live here, in the parent.
//
// 40 sources each serve a 4 MiB body, fetched 4 at a time. Were bodies held for every source, they
// alone would add 40 × 4 MiB = 160 MiB. Held only for the fetches in flight plus the one the
// caller is working on, they add (4 + 1) × 4 MiB = 20 MiB, plus, while a body completes, its
// chunks and their joined copy side by side, and what the allocator and V8 keep around.

const MiB = 1024 * 1024;
const SOURCES = 40;
const BODY_BYTES = 4 * MiB;
const SETTINGS = { concurrency: 4, perHostConcurrency: 4, maxBytes: 5 * MiB, timeoutMs: 20_000, retries: 0, maxItemsPerSource: 5 };
const SCRIPT = fileURLToPath(new URL('./support/peakMemoryRun.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('peak memory of a run over many big bodies', () => {
  let server: LoopbackServer;

  beforeAll(async () => {
    server = await startLoopbackServer({ '/feed': serveBody(paddedFeed(BODY_BYTES, 5), { 'content-type': 'application/rss+xml' }) });
  });

  afterAll(() => server?.close());

  async function measure(mode: PeakMemoryInput['mode']): Promise<PeakMemoryResult & { growthMiB: number }> {
    const input: PeakMemoryInput = {
      urls: Array.from({ length: SOURCES }, (_, index) => server.url(`/feed?n=${index}`)),
      settings: SETTINGS,
      mode,
    };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', SCRIPT, JSON.stringify(input)],
      { cwd: ROOT, timeout: 60_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as PeakMemoryResult;
    return { ...result, growthMiB: (result.peakRssBytes - result.rssBeforeBytes) / MiB };
  }

  it('keeps no more bodies than fetches in flight, however slowly the caller takes them', async () => {
    // The caller holds each body for 100 ms, waiting as it would on a parser on another thread,
    // while the loopback server could deliver a body every few ms: unbounded, the bodies pile up
    // (measured: 113–147 MiB of growth). Garbage is collected after each body, so the peak shows
    // the bodies held, not how lazily V8 frees spent buffers (bounded, measured: 62–73 MiB).
    const result = await measure({ kind: 'slowConsumer', holdMs: 100 });

    expect(result).toMatchObject({ ok: SOURCES, failed: 0 });
    expect(result.growthMiB).toBeLessThan(100);
  });

  it('runs the whole pipeline in well under the memory of every body at once', async () => {
    // Parsing here runs on the fetching thread, so the bodies cannot pile up; this guards the
    // pipeline as a whole against holding each source's body (160 MiB) before it is done with it.
    // Measured: 101–115 MiB of growth, most of it garbage from parsing that V8 frees lazily.
    const result = await measure({ kind: 'pipeline' });

    expect(result).toMatchObject({ ok: SOURCES, failed: 0 });
    expect(result.growthMiB).toBeLessThan(SOURCES * BODY_BYTES / MiB);
  });
});
