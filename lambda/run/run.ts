import { randomBytes } from 'node:crypto';

import { TributaryError } from '../core/errors.js';
import type { Item, RunReport, Settings, Source, SourcesFile } from '../core/model.js';
import { CACHE_CONTROL, OUTPUT_KEYS, reportKey, STATE_KEY } from '../core/storageLayout.js';
import type { NetworkPolicy } from '../fetch/networkPolicy.js';
import type { RunRequest } from '../input/event.js';
import { mergeItems, mergeKeys } from '../merge/merge.js';
import { mergeKeysOf } from '../process/keptItems.js';
import { restingSource, type SettledSource } from '../process/settleSource.js';
import { isResting } from '../process/sourceHealth.js';
import type { SourceState } from '../process/sourceState.js';
import { publishedItem } from '../render/publishedItem.js';
import { renderAtom } from '../render/renderAtom.js';
import type { RenderContext } from '../render/renderContext.js';
import { renderHtml } from '../render/renderHtml.js';
import { renderJsonFeed } from '../render/renderJsonFeed.js';
import { appendRunHistory } from '../render/runHistory.js';
import { buildNotification, MAX_NEW_ITEMS_LISTED } from '../render/runNotification.js';
import { type KeptItemPick, KeptItemsStore } from './keptItemsStore.js';
import type { Notifier } from './notifier.js';
import { claimRun, markPublished, markWritten, releaseClaim } from './runClaim.js';
import type { SecretCache } from './secretCache.js';
import { settleSources } from './settleSources.js';
import { type PipelineState, parseState } from './state.js';
import { INTERNAL_JSON, type Store } from './store.js';
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

/** What writing and announcing a run needs; fetching needs the rest of PipelineDependencies. */
export type PublishDependencies = Pick<PipelineDependencies, 'store' | 'notifier' | 'now' | 'onReport' | 'onWarning'>;

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

const FEED_TITLE = 'Tributary';

export class RunInProgressError extends TributaryError {
  constructor(runId: string, claimedAt: string, expiresAt: string) {
    super(
      'RunInProgressError',
      'run_in_progress',
      `run ${runId} was claimed at ${claimedAt} by an invocation that may still be running (claim expires ${expiresAt})`,
    );
  }
}

/**
 * One run: fetch the selected sources, merge their items with what earlier runs kept for the
 * others, write the report and then the latest outputs, and publish one notification.
 */
export async function runPipeline(input: PipelineInput, dependencies: PipelineDependencies): Promise<RunReport> {
  const { sourcesFile, request } = input;
  const now = dependencies.now ?? Date.now;
  const startedAt = now();
  const runId = runIdFor(request, startedAt);

  if (!request.dryRun) {
    const finished = await claimOrResume(runId, startedAt, input.hardDeadline, dependencies);
    if (finished) return finished;
  }
  try {
    const state = await readState(dependencies);
    const selected = selectedSources(sourcesFile, request);
    const keptItems = new KeptItemsStore(dependencies.store, {
      write: !request.dryRun,
      onWarning: dependencies.onWarning,
    });
    const settled = await settleSelected(
      selected,
      {
        settings: sourcesFile.settings,
        state,
        startedAt,
        fetchDeadline: input.fetchDeadline,
        force: request.force,
        named: request.only !== undefined,
        keptItems,
      },
      dependencies,
    );
    return await publishSettled({ runId, request, sourcesFile, state, startedAt, settled, keptItems }, dependencies);
  } catch (error) {
    if (!request.dryRun) await releaseClaim(dependencies.store, runId, now());
    throw error;
  }
}

/**
 * Claims the run id for this invocation, or finishes what an earlier invocation of the same run
 * left undone (only the notification can be) and returns that run's report.
 * @returns undefined when this invocation owns the run and must do it
 * @throws RunInProgressError when an earlier invocation holds the claim and may still be running
 */
export async function claimOrResume(
  runId: string,
  startedAt: number,
  expiresAt: number,
  dependencies: PublishDependencies,
): Promise<RunReport | undefined> {
  const claim = await claimRun(dependencies.store, runId, startedAt, expiresAt);
  switch (claim.kind) {
    case 'claimed':
      return undefined;
    case 'busy':
      throw new RunInProgressError(runId, claim.claimedAt, claim.expiresAt);
    case 'published':
      return claim.report;
    case 'unpublished':
      return publish(claim.report, claim.newItems, dependencies);
  }
}

/** The state earlier runs left; missing or corrupt state is a clean first run, with a warning. */
export async function readState(
  dependencies: Pick<PipelineDependencies, 'store' | 'onWarning'>,
): Promise<PipelineState> {
  const { state, problem } = parseState(await dependencies.store.get(STATE_KEY));
  if (problem) dependencies.onWarning?.(problem);
  return state;
}

/** The sources a run is about, in sources-file order: those it names, or all. */
export function selectedSources(sourcesFile: SourcesFile, request: Pick<RunRequest, 'only'>): Source[] {
  const { only } = request;
  return only ? sourcesFile.sources.filter((source) => only.includes(source.id)) : sourcesFile.sources;
}

export interface SettleSelectedOptions {
  settings: Settings;
  /** The state the run started from. */
  state: PipelineState;
  /** Epoch ms the run started: decides which broken sources are still resting. */
  startedAt: number;
  /** Epoch ms by which fetching must be over. */
  fetchDeadline: number;
  force: boolean;
  /** The run names its sources: broken ones are tried anyway. */
  named: boolean;
  /** Where fetched items are stored as they arrive (for a dry run: one that writes nothing). */
  keptItems: KeptItemsStore;
}

/**
 * Settles each of `sources`: fetched and parsed, or, for a broken source still resting, its last
 * good items kept without a request. One result per source. Fetched items are stored as they
 * arrive (not in a dry run), and all of them are once this resolves.
 */
export async function settleSelected(
  sources: readonly Source[],
  options: SettleSelectedOptions,
  dependencies: Pick<PipelineDependencies, 'networkPolicy' | 'secrets' | 'now' | 'onProgress'>,
): Promise<Map<string, SettledSource>> {
  const { keptItems } = options;
  const resting = (source: Source) => restingState(source, options);
  const outcomes = new Map<string, boolean>();
  let failed = 0;
  const settled = await settleSources(
    sources.filter((source) => !resting(source)),
    {
      settings: options.settings,
      previous: options.state.sources,
      deadline: options.fetchDeadline,
      force: options.force,
      networkPolicy: dependencies.networkPolicy,
      secrets: dependencies.secrets,
      now: dependencies.now ?? Date.now,
      keep: (result) => keptItems.keep(result),
      onSettled: (source, result) => {
        // A source whose page led to its feed settles twice; it counts once, as it ends.
        const nowFailed = result.report.status === 'failed';
        failed += Number(nowFailed) - Number(outcomes.get(source.id) ?? false);
        outcomes.set(source.id, nowFailed);
        dependencies.onProgress?.({ done: outcomes.size, total: sources.length, failed });
      },
    },
  );
  for (const source of sources) {
    const previous = resting(source);
    if (previous) settled.set(source.id, restingSource(source, previous));
  }
  await keptItems.flush();
  return settled;
}

/** Broken sources rest until their next attempt, unless the run names them or forces: the state of one that does. */
export function restingState(
  source: Source,
  options: Pick<SettleSelectedOptions, 'state' | 'startedAt' | 'force' | 'named'>,
): SourceState | undefined {
  const previous = options.state.sources[source.id];
  return !options.named && !options.force && isResting(previous, options.startedAt) ? previous : undefined;
}

/** A run whose selected sources have all settled, however and wherever they were fetched. */
export interface SettledRun {
  runId: string;
  request: RunRequest;
  sourcesFile: SourcesFile;
  /** The state the run started from. */
  state: PipelineState;
  /** Epoch ms. */
  startedAt: number;
  /** One result per selected source, resting ones included. */
  settled: ReadonlyMap<string, SettledSource>;
  /** Where the run's items were stored, if in this process: what it still holds is not read again. */
  keptItems?: KeptItemsStore;
}

/**
 * The end of every run, single or sharded: merge the settled sources' items with what earlier
 * runs kept for the others, summarise, write the report, the latest outputs and state, and
 * publish one notification. A dry run only summarises.
 */
export async function publishSettled(run: SettledRun, dependencies: PublishDependencies): Promise<RunReport> {
  const { runId, request, sourcesFile, state, startedAt } = run;
  const { store } = dependencies;
  const now = dependencies.now ?? Date.now;
  // Sources-file order everywhere, so the outputs do not depend on which fetch finished first.
  const settled = selectedSources(sourcesFile, request).map((source) => {
    const result = run.settled.get(source.id);
    if (!result)
      throw new TributaryError(
        'TributaryError',
        'internal',
        `run ${runId}: source ${source.id} was selected but never settled`,
      );
    return [source.id, result] as const;
  });
  const settledStates = new Map(settled.map(([id, result]) => [id, result.state]));
  const picks = pickPublished(sourcesFile, (id) => settledStates.get(id) ?? state.sources[id]);
  // A dry run renders nothing, so it reads no item back.
  const keptItems =
    run.keptItems ?? new KeptItemsStore(store, { write: !request.dryRun, onWarning: dependencies.onWarning });
  const { items: published, unreadable } = request.dryRun
    ? { items: [], unreadable: new Set<string>() }
    : await keptItems.read(picks);
  const finishedAt = now();
  const report = summarize({
    runId,
    dryRun: request.dryRun,
    startedAt,
    finishedAt,
    reports: settled.map(([, result]) => result.report),
    publishedItems: request.dryRun ? picks.length : published.length,
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

  // Decided once, so the three outputs agree and none repeats the work.
  const items = published.map(publishedItem);
  const context: RenderContext = {
    title: FEED_TITLE,
    generatedAt: report.finishedAt,
    sources: sourcesFile.sources,
  };
  // Readers must never see a half-written set: the report first, the "latest" objects last,
  // and when nothing succeeded the previous good outputs stay as they were. The three are
  // rendered first and then written at once, so the run waits for one write, not three.
  const latest =
    report.status === 'failed'
      ? []
      : [
          { key: OUTPUT_KEYS.feedJson, body: renderJsonFeed(items, context), contentType: 'application/feed+json' },
          { key: OUTPUT_KEYS.feedXml, body: renderAtom(items, context), contentType: 'application/atom+xml' },
          {
            key: OUTPUT_KEYS.html,
            body: renderHtml(report, items, context, state.history),
            contentType: 'text/html; charset=utf-8',
          },
        ];
  await store.put(reportKey(runId), JSON.stringify(report, null, 2), {
    contentType: 'application/json',
    cacheControl: CACHE_CONTROL.immutable,
  });
  // All three settle before a failure is thrown: the claim is given up only once none is still being written.
  const written = await Promise.allSettled(
    latest.map(({ key, body, contentType }) =>
      store.put(key, body, { contentType, cacheControl: CACHE_CONTROL.latest }),
    ),
  );
  const failed = written.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  const next = {
    ...nextState(state, sourcesFile, settledStates, unreadable),
    history: appendRunHistory(state.history, report),
  };
  await store.put(STATE_KEY, JSON.stringify(next), INTERNAL_JSON);
  const newItems = mergeItems(
    settled.map(([, result]) => result.newItems),
    { maxItems: MAX_NEW_ITEMS_LISTED },
  );
  await markWritten(store, runId, now(), newItems);
  await keptItems.removeSuperseded(state, next);

  dependencies.onReport?.(report);
  return publish(report, newItems, dependencies);
}

/** Which kept items the outputs show, newest first, in sources-file order on ties: decided on digests alone. */
function pickPublished(sourcesFile: SourcesFile, stateOf: (id: string) => SourceState | undefined): KeptItemPick[] {
  const sources = sourcesFile.sources.flatMap(({ id }) => {
    const kept = stateOf(id)?.items;
    return kept ? [{ sourceId: id, kept }] : [];
  });
  const keys = sources.map(({ sourceId, kept }) => mergeKeysOf(sourceId, kept));
  return mergeKeys(keys, { maxItems: sourcesFile.settings.maxItems }).map(({ list, index }) => ({
    ...sources[list]!,
    index,
  }));
}

/**
 * What this run settled, over what earlier runs kept; sources gone from the file are forgotten,
 * and so are the items (and with them the validators) of sources whose items could not be read.
 */
function nextState(
  previous: PipelineState,
  sourcesFile: SourcesFile,
  settled: ReadonlyMap<string, SourceState>,
  unreadable: ReadonlySet<string>,
): PipelineState {
  const sources: Record<string, SourceState> = {};
  for (const { id } of sourcesFile.sources) {
    const state = settled.get(id) ?? previous.sources[id];
    if (!state) continue;
    const { items: _items, validators: _validators, ...rest } = state;
    sources[id] = unreadable.has(id) ? rest : state;
  }
  return { ...previous, sources };
}

async function publish(report: RunReport, newItems: Item[], dependencies: PublishDependencies): Promise<RunReport> {
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
