import { randomBytes } from 'node:crypto';
import { TributaryError } from './errors.js';
import type { RunRequest } from './event.js';
import type { NetworkPolicy } from './fetch/networkPolicy.js';
import { mergeItems } from './merge.js';
import type { Item, RunReport, Settings, Source, SourcesFile } from './model.js';
import { type Notifier } from './notify/notifier.js';
import { buildNotification } from './notify/runNotification.js';
import { renderAtom } from './render/renderAtom.js';
import type { RenderContext } from './render/renderContext.js';
import { renderHtml } from './render/renderHtml.js';
import { renderJsonFeed } from './render/renderJsonFeed.js';
import { appendRunHistory } from './render/runHistory.js';
import { claimRun, markPublished, reportKey } from './runClaim.js';
import type { SecretCache } from './secrets/secretCache.js';
import { restingSource, type SettledSource } from './settleSource.js';
import { settleSources } from './settleSources.js';
import { isResting } from './sourceHealth.js';
import { parseState, STATE_KEY, type PipelineState } from './state.js';
import type { Store } from './store/store.js';
import { headOf, summarize } from './summary.js';

export interface PipelineDependencies {
  store: Store;
  notifier: Notifier;
  networkPolicy: NetworkPolicy;
  /** Where header secrets are read from, cached across warm invocations. @default none: such sources fail */
  secrets?: SecretCache;
  /** The only clock the pipeline reads, so tests can pin it. */
  now?: () => number;
  onProgress?: (progress: Progress) => void;
  onWarning?: (message: string) => void;
  /**
   * Once per fresh run, for logs and metrics: a dry run after summarising, a real run once the
   * report, outputs and state are written, before notifying. Never for a retried delivery of a
   * run already done, so nothing is counted twice.
   */
  onReport?: (report: RunReport) => void;
}

export interface PipelineInput {
  sourcesFile: SourcesFile;
  request: RunRequest;
  /** Epoch ms by which fetching must be over, leaving time to write and publish. */
  fetchDeadline: number;
  /** Epoch ms at which this invocation is gone (the Lambda deadline); bounds the run's claim. */
  hardDeadline: number;
}

export interface Progress {
  done: number;
  total: number;
  failed: number;
}

export const OUTPUT_KEYS = { feedJson: 'feed.json', feedXml: 'feed.xml', html: 'index.html' } as const;
const FEED_TITLE = 'Tributary';
const LATEST = 'public, max-age=300'; // 5 min: readers see a new run soon, CDNs still absorb bursts
const IMMUTABLE = 'public, max-age=31536000, immutable';

export class RunInProgressError extends TributaryError {
  constructor(runId: string, claimedAt: string, expiresAt: string) {
    super('run_in_progress', `run ${runId} was claimed at ${claimedAt} by an invocation that may still be running (claim expires ${expiresAt})`);
  }
}

/**
 * One run: fetch the selected sources, merge their items with what earlier runs kept for the
 * others, write the report and then the latest outputs, and publish one notification.
 */
export async function runPipeline(input: PipelineInput, dependencies: PipelineDependencies): Promise<RunReport> {
  const { sourcesFile, request } = input;
  const { store, notifier } = dependencies;
  const now = dependencies.now ?? Date.now;
  const startedAt = now();
  const runId = runIdFor(request, startedAt);

  if (!request.dryRun) {
    const claim = await claimRun(store, runId, startedAt, input.hardDeadline);
    if (claim.kind === 'busy') throw new RunInProgressError(runId, claim.claimedAt, claim.expiresAt);
    if (claim.kind === 'published') return claim.report;
    if (claim.kind === 'unpublished') return publish(claim.report, [], dependencies);
  }

  const { state, problem } = parseState(await store.get(STATE_KEY));
  if (problem) dependencies.onWarning?.(problem);

  const selected = request.only
    ? sourcesFile.sources.filter((source) => request.only?.includes(source.id))
    : sourcesFile.sources;
  // Broken sources rest until their next attempt, unless the run names them or forces.
  const resting = (source: Source) =>
    !request.only && !request.force && isResting(state.sources[source.id], startedAt) ? state.sources[source.id] : undefined;
  const outcomes = new Map<string, boolean>();
  const settled = await settleSources(
    selected.filter((source) => !resting(source)),
    {
      settings: sourcesFile.settings,
      previous: state.sources,
      deadline: input.fetchDeadline,
      force: request.force,
      networkPolicy: dependencies.networkPolicy,
      secrets: dependencies.secrets,
      now,
      onSettled: (source, result) => {
        // A source whose page led to its feed settles twice; it counts once, as it ends.
        outcomes.set(source.id, result.report.status === 'failed');
        const failed = [...outcomes.values()].filter(Boolean).length;
        dependencies.onProgress?.({ done: outcomes.size, total: selected.length, failed });
      },
    },
  );
  for (const source of selected) {
    const previous = resting(source);
    if (previous) settled.set(source.id, restingSource(source, previous));
  }

  const published = mergeItems(
    sourcesFile.sources.map((source) => settled.get(source.id)?.items ?? state.sources[source.id]?.items ?? []),
    { maxItems: sourcesFile.settings.maxItems },
  );
  const finishedAt = now();
  const report = summarize({
    runId,
    dryRun: request.dryRun,
    startedAt,
    finishedAt,
    reports: selected.map((source) => settled.get(source.id)!.report),
    publishedItems: published.length,
    outputs: {
      feedJson: store.locate(OUTPUT_KEYS.feedJson),
      feedXml: store.locate(OUTPUT_KEYS.feedXml),
      html: store.locate(OUTPUT_KEYS.html),
      report: store.locate(reportKey(runId)),
    },
  });
  if (request.dryRun) {
    dependencies.onReport?.(report);
    return report;
  }
  const history = appendRunHistory(state.history, report);

  const context: RenderContext = {
    title: FEED_TITLE,
    generatedAt: report.finishedAt,
    sources: sourcesFile.sources,
  };
  // Readers must never see a half-written set: the report first, the "latest" objects last,
  // and when nothing succeeded the previous good outputs stay as they were.
  await store.put(reportKey(runId), JSON.stringify(report, null, 2), { contentType: 'application/json', cacheControl: IMMUTABLE });
  if (report.status !== 'failed') {
    await store.put(OUTPUT_KEYS.feedJson, renderJsonFeed(published, context), { contentType: 'application/feed+json', cacheControl: LATEST });
    await store.put(OUTPUT_KEYS.feedXml, renderAtom(published, context), { contentType: 'application/atom+xml', cacheControl: LATEST });
    await store.put(OUTPUT_KEYS.html, renderHtml(report, published, context, history), { contentType: 'text/html; charset=utf-8', cacheControl: LATEST });
  }
  await store.put(STATE_KEY, JSON.stringify({ ...nextState(state, settled), history }), { contentType: 'application/json', cacheControl: 'no-store' });

  dependencies.onReport?.(report);
  const newItems = mergeItems([...settled.values()].map((source) => source.newItems), { maxItems: Number.MAX_SAFE_INTEGER });
  return publish(report, newItems, dependencies);
}

function nextState(previous: PipelineState, settled: ReadonlyMap<string, SettledSource>): PipelineState {
  const sources = { ...previous.sources };
  for (const [id, result] of settled) sources[id] = result.state;
  return { ...previous, sources };
}

async function publish(report: RunReport, newItems: Item[], dependencies: PipelineDependencies): Promise<RunReport> {
  const summary = headOf(report);
  const now = dependencies.now ?? Date.now;
  // A failure here fails the invocation after the outputs are safe; a retry finds the report
  // and publishes only the notification.
  await dependencies.notifier.publish(buildNotification(summary, newItems));
  await markPublished(dependencies.store, report.runId, now());
  return report;
}

/**
 * Scheduled runs are named by their schedule time, so a retried delivery is the same run; ad hoc
 * runs get a fresh name. Names sort by time, so `runs/` lists in order.
 */
export function runIdFor(request: RunRequest, now: number): string {
  const compact = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  if (request.scheduledTime) return `${compact(request.scheduledTime)}-scheduled`;
  return `${compact(new Date(now).toISOString())}-adhoc-${randomBytes(3).toString('hex')}`;
}
