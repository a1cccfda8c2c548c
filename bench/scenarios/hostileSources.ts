import { STACK_SETTING_DEFAULTS } from '../../infra/stackSettings.js';
import type { Source } from '../../lambda/core/model.js';
import { serveBody, stackedEncodings } from '../../scripts/faultRoutes.js';
import { hugeTitleFeed, nestedMarkupFeed, tinyItemsJsonFeed } from '../../scripts/generatedFeeds.js';
import { type RouteHandler, startLoopbackServer } from '../../scripts/loopbackServer.js';
import { ClientCrashError, type ClientResult, runClient } from '../runClient.js';
import { seconds, type TableRow } from '../table.js';
import { type ScenarioOptions, type ScenarioReport, settingsWith } from './scenario.js';

const MiB = 1024 * 1024;
const PER_KIND = 10;
const QUICK_PER_KIND = 2;
const RSS = { 'content-type': 'application/rss+xml' };
/** The bound docs/security.md and scenario 4 hold a run to: half of the default function's memory. */
const TARGET_MB = STACK_SETTING_DEFAULTS.memoryMb / 2;
/** V8's old-space limit in a function of the default memory (as scenario 4), and a tighter one. */
const HEAP_LIMITS_MB = [STACK_SETTING_DEFAULTS.memoryMb / 2, 128];
/** Every source at once, each answered at once: the run's time is all parsing and refusing. */
const SETTINGS = settingsWith({ concurrency: 40, perHostConcurrency: 40, retries: 0, timeoutMs: 30_000 });

/** The kinds of hostile source the security review found (issue 19), and the outcome each must have. */
const KINDS: Record<string, { route: () => RouteHandler; filter?: Source['filter']; expected: string }> = {
  // 5 MB of `<div>` in one description: sanitizing it unbounded blocked a run for minutes.
  'nesting-bomb': { route: () => serveBody(nestedMarkupFeed(1_000_000), RSS), expected: 'failed (too_complex)' },
  // `br` × 5,000 over a body compressed 5,000 times: one decoder per coding cost 25 s and 300 MB.
  'stacked-encodings': {
    route: () => stackedEncodings(Buffer.from('<rss version="2.0"><channel/></rss>'), 5_000),
    expected: 'failed (bad_encoding)',
  },
  // About 350,000 `{"title":"a"}` items in 5 MB: materialised whole, one such feed filled a 128 MiB heap.
  'tiny-json-items': {
    route: () => serveBody(tinyItemsJsonFeed(5 * MiB - 1024), { 'content-type': 'application/feed+json' }),
    expected: 'ok',
  },
  // A 50,000-letter title under /(a|aa)*b/: a backtracking engine never finishes it.
  'backtracking-filter': {
    route: () => serveBody(hugeTitleFeed(50_000), RSS),
    filter: { include: ['/(a|aa)*b/'] },
    expected: 'ok',
  },
};

interface HostileRun {
  heapLimitMb: number;
  result?: ClientResult;
  /** Per kind: how many of its sources ended each way. */
  outcomes?: Record<string, Record<string, number>>;
  crash?: string;
}

export interface HostileSourcesData {
  sources: number;
  perKind: number;
  targetMb: number;
  timeoutSeconds: number;
  runs: HostileRun[];
}

/**
 * Scenario 8: one run over 40 hostile sources at once, ten of each kind in KINDS, served by a
 * loopback server and run by the bundled pipeline in a fresh process (as scenario 4), once per
 * heap limit. Peak RSS is held against the documented bound and the run's time against the
 * function's timeout; every source must end as its kind should, the others unharmed.
 */
export async function hostileSources({ quick }: ScenarioOptions): Promise<ScenarioReport<HostileSourcesData>> {
  const perKind = quick ? QUICK_PER_KIND : PER_KIND;
  const server = await startLoopbackServer(
    Object.fromEntries(Object.entries(KINDS).map(([kind, { route }]) => [`/${kind}`, route()])),
  );
  const runs: HostileRun[] = [];
  try {
    const sources = Object.entries(KINDS).flatMap(([kind, { filter }]) =>
      Array.from(
        { length: perKind },
        (_, index): Source => ({
          id: `${kind}-${index}`,
          url: server.url(`/${kind}?n=${index}`),
          type: 'feed',
          ...(filter && { filter }),
        }),
      ),
    );
    for (const heapLimitMb of HEAP_LIMITS_MB) {
      try {
        const result = await runClient(
          { strategy: 'pipeline', sources, settings: SETTINGS },
          { maxOldSpaceMb: heapLimitMb },
        );
        runs.push({ heapLimitMb, result, outcomes: byKind(result.sourceOutcomes ?? {}) });
      } catch (error) {
        if (!(error instanceof ClientCrashError)) throw error;
        runs.push({ heapLimitMb, crash: /FATAL ERROR: .*/.exec(error.stderr)?.[0] ?? error.message });
      }
    }
  } finally {
    await server.close();
  }

  const count = perKind * Object.keys(KINDS).length;
  const scenario = `8 · ${count} hostile sources at once (${perKind} × ${Object.keys(KINDS).length} kinds)`;
  const timeoutMs = STACK_SETTING_DEFAULTS.timeoutSeconds * 1000;
  const rows = runs.flatMap(({ heapLimitMb, result, outcomes, crash }): TableRow[] => {
    const run = `pipeline, V8 heap ${heapLimitMb} MiB`;
    if (!result || !outcomes) {
      return [{ scenario, run, measured: 'crashed', ideal: `≤ ${TARGET_MB} MiB`, target: 1, note: crash }];
    }
    const unexpected = Object.entries(outcomes).flatMap(([kind, counts]) =>
      Object.entries(counts)
        .filter(([outcome]) => outcome !== KINDS[kind]!.expected)
        .map(([outcome, times]) => `${times} × ${kind} ${outcome}`),
    );
    return [
      {
        scenario,
        run,
        measured: `${result.peakRssMb.toFixed(0)} MiB peak RSS`,
        ideal: `≤ ${TARGET_MB} MiB`,
        ratio: result.peakRssMb / TARGET_MB,
        target: 1,
        note:
          `${result.rssBeforeMb.toFixed(0)} MiB before the run; ` +
          (unexpected.length === 0 ? 'every source ended as its kind should' : `UNEXPECTED: ${unexpected.join(', ')}`),
      },
      {
        scenario,
        run: `${run}: the run's time`,
        measured: seconds(result.wallMs),
        ideal: `≤ ${seconds(timeoutMs)} (function timeout)`,
        ratio: result.wallMs / timeoutMs,
        target: 1,
        note: `${result.ok} ok, ${result.failed} failed; CPU ${seconds(result.cpuMs)}`,
      },
    ];
  });
  return {
    rows,
    data: {
      sources: count,
      perKind,
      targetMb: TARGET_MB,
      timeoutSeconds: STACK_SETTING_DEFAULTS.timeoutSeconds,
      runs,
    },
  };
}

/** Source outcomes counted per kind (a source's id is `<kind>-<n>`). */
function byKind(sourceOutcomes: Record<string, string>): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const [id, outcome] of Object.entries(sourceOutcomes)) {
    const kind = id.replace(/-\d+$/, '');
    const forKind = (counts[kind] ??= {});
    forKind[outcome] = (forKind[outcome] ?? 0) + 1;
  }
  return counts;
}
