// Fetches the given sources once and prints, as one JSON line, how much memory the process held at
// its peak. Runs as a child process, `node --import tsx peakMemoryRun.ts '<PeakMemoryInput as
// JSON>'`, so that the peak is this run's alone: the test runner, the loopback server and the
// bodies it serves stay in the parent.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FolderStore } from '../../../lambda/adapters/folderStore.js';
import type { Settings, Source } from '../../../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../../../lambda/core/sourcesFileSchema.js';
import { fetchAll } from '../../../lambda/fetch/fetchAll.js';
import { createHttpClient } from '../../../lambda/fetch/httpClient.js';
import { parseNetworkPolicy } from '../../../lambda/fetch/networkPolicy.js';
import { runPipeline } from '../../../lambda/run/runPipeline.js';

export interface PeakMemoryInput {
  urls: string[];
  settings: Partial<Settings>;
  /**
   * `pipeline`: the whole run, into a temporary folder; with `collectPerSource`, garbage is
   * collected as each source settles. `slowConsumer`: fetchAll alone, its caller holding each body
   * for `holdMs` while it waits on something else, as a caller handing bodies to a parser on
   * another thread would.
   */
  mode: { kind: 'pipeline'; collectPerSource?: boolean } | { kind: 'slowConsumer'; holdMs: number };
}

export interface PeakMemoryResult {
  /** Resident memory just before fetching, after start-up and imports. */
  rssBeforeBytes: number;
  /** The process's highest resident memory (Linux VmHWM), start-up included. */
  peakRssBytes: number;
  wallMs: number;
  ok: number;
  failed: number;
}

/** A field of /proc/self/status in bytes: VmRSS now, or VmHWM, the peak of VmRSS. */
function procStatusBytes(field: 'VmRSS' | 'VmHWM'): number {
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (kib === undefined) throw new Error(`/proc/self/status has no ${field}: peak memory is measured on Linux only`);
  return Number(kib) * 1024;
}

const networkPolicy = parseNetworkPolicy('127.0.0.0/8');

/** With --expose-gc: the peak then shows what the run holds, not how lazily V8 frees what it spent. */
const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();

async function runPipelineOnce(
  sources: Source[],
  settings: Settings,
  collectPerSource: boolean,
): Promise<{ ok: number; failed: number }> {
  const outDir = await mkdtemp(join(tmpdir(), 'tributary-peak-memory-'));
  try {
    const report = await runPipeline(
      {
        sourcesFile: { settings, sources },
        request: { dryRun: false, force: false },
        fetchDeadline: Date.now() + 120_000,
        hardDeadline: Date.now() + 130_000,
      },
      {
        store: new FolderStore(outDir),
        notifier: { publish: async () => undefined },
        networkPolicy,
        onProgress: collectPerSource ? collectGarbage : undefined,
      },
    );
    return { ok: report.counts.ok, failed: report.counts.failed };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

async function consumeSlowly(
  sources: Source[],
  settings: Settings,
  holdMs: number,
): Promise<{ ok: number; failed: number }> {
  const client = await createHttpClient({ networkPolicy });
  const counts = { ok: 0, failed: 0 };
  try {
    for await (const { outcome } of fetchAll(client, sources, { settings, deadline: Date.now() + 120_000 })) {
      await sleep(holdMs);
      collectGarbage();
      counts[outcome.status === 'ok' ? 'ok' : 'failed'] += 1;
    }
  } finally {
    await client.close();
  }
  return counts;
}

const input = JSON.parse(process.argv[2] ?? '') as PeakMemoryInput;
const settings: Settings = { ...DEFAULT_SETTINGS, ...input.settings };
const sources = input.urls.map((url, index): Source => ({ id: `source-${index}`, url, type: 'feed' }));

const rssBeforeBytes = procStatusBytes('VmRSS');
const started = performance.now();
const counts =
  input.mode.kind === 'pipeline'
    ? await runPipelineOnce(sources, settings, input.mode.collectPerSource ?? false)
    : await consumeSlowly(sources, settings, input.mode.holdMs);
const result: PeakMemoryResult = {
  rssBeforeBytes,
  peakRssBytes: procStatusBytes('VmHWM'),
  wallMs: Math.round(performance.now() - started),
  ...counts,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
