import { DEFAULT_FEED } from '../core/feedSchema.js';
import type { RunReport, SourceReport, SourcesFile } from '../core/model.js';
import {
  CACHE_CONTROL,
  OUTPUT_CONTENT_TYPES,
  OUTPUT_KEYS,
  REPORT_CONTENT_TYPE,
  reportKey,
} from '../core/storageLayout.js';
import type { HttpClient } from '../fetch/httpClient.js';
import { namesSources, type RunRequest } from '../input/event.js';
import { type PublishedItem, publishedItem } from '../render/publishedItem.js';
import { renderAtom } from '../render/renderAtom.js';
import { renderContextFor, type SourceLabel } from '../render/renderContext.js';
import { renderJsonFeed } from '../render/renderJsonFeed.js';
import { renderReadingPage } from '../render/renderReadingPage.js';
import { renderStatusPage } from '../render/renderStatusPage.js';
import { appendRunHistory, type RunHistoryEntry } from '../render/runHistory.js';
import { announceRun } from './announceRun.js';
import { KeptItemsStore, ownedByShard, sweepOrphans } from './keptItemsStore.js';
import { pingHub, topicsToPing } from './pingHub.js';
import type { PublishDependencies } from './pipelineDependencies.js';
import type { SourceName } from './publishedPicks.js';
import { markWritten } from './runClaim.js';
import type { RunResults } from './runResults.js';
import { commitState, type PipelineState, referencedItemKeys } from './state.js';
import type { Store } from './store.js';
import { type FetchPhase, publishesLatest, runStatus, summarize } from './summary.js';

/** An unreferenced item object this old belongs to no run still in progress (runs last hours at most). */
const ORPHAN_AGE_MS = 24 * 60 * 60 * 1000; // 1 day

/** A run whose selected sources have all settled, however and wherever they were fetched. */
export interface SettledRun {
  runId: string;
  request: RunRequest;
  sourcesFile: SourcesFile;
  /** The state the run started from: the selected sources' (at least those settled from it) and the history. */
  state: PipelineState;
  /** Epoch ms. */
  startedAt: number;
  /** For the report's timings; a sharded run's spans its workers, from the start step's hand-over to the merge. */
  fetchPhase: FetchPhase;
  /** One result per selected source, resting ones included. */
  results: RunResults;
  /** Where the run's items were stored, if in this process: what it still holds is not read again. */
  keptItems?: KeptItemsStore;
  /** Epoch ms at which this invocation is gone: what follows the writes (the hub ping) ends before. */
  deadline: number;
}

/** Publishing a run also tells the feed's WebSub hub, through the pipeline's one HTTP client. */
export type PublishRunDependencies = PublishDependencies & { client: HttpClient };

/**
 * The end of every run, single or sharded: merge the settled sources' items with what earlier
 * runs kept for the others, summarise, write the report, the latest outputs and state, and
 * publish one notification. A dry run only summarises.
 */
export async function publishRun(run: SettledRun, dependencies: PublishRunDependencies): Promise<RunReport> {
  const { store } = dependencies;
  const now = dependencies.now ?? Date.now;
  const { reports, newItems, states } = run.results;
  const picks = await run.results.picks.pick(store, states.ids, { onWarning: dependencies.onWarning });
  const { names } = run.results.picks;
  if (run.request.dryRun) {
    // A dry run renders nothing, so it reads no item back.
    const report = summarizeRun(run, reports, picks.length, dependencies);
    dependencies.onReport?.(report);
    return report;
  }

  const keptItems = run.keptItems ?? new KeptItemsStore(store, { write: true, onWarning: dependencies.onWarning });
  const { items, unreadable } = await keptItems.read(picks);
  const report = summarizeRun(run, reports, items.length, dependencies);
  const history = appendRunHistory(run.state.history, report);
  await writeOutputs(run, report, items.map(publishedItem), { history, names }, store);
  // State last, merged over whatever another run committed meanwhile (see commitState).
  const superseded = await commitState(store, {
    known: new Set(run.sourcesFile.sources.map(({ id }) => id)),
    settled: states,
    unreadable,
    summary: report,
    everyShard: !namesSources(run.request),
    ownedByShard,
  });
  // The hub fetches the feeds as soon as it is told: only now are they written.
  const announced = await withHubPinged(run, report, dependencies);
  await markWritten(store, run.runId, now(), newItems);
  await keptItems.removeSuperseded(superseded);
  if (isFirstFullRunOfDay(run)) {
    await sweepOrphans(store, await referencedItemKeys(store), run.startedAt - ORPHAN_AGE_MS, dependencies.onWarning);
  }

  dependencies.onReport?.(announced);
  return announceRun(announced, newItems, dependencies);
}

/**
 * The report once the feed's WebSub hub has been told of the new items (see pingHub). A hub that
 * was not told is a warning: in the log, and in the report, written again with it, so a retry that
 * only notifies sends it too.
 */
async function withHubPinged(
  run: SettledRun,
  report: RunReport,
  dependencies: PublishRunDependencies,
): Promise<RunReport> {
  const now = dependencies.now ?? Date.now;
  const { client } = dependencies;
  const warnings = await pingHub(run.sourcesFile.feed, report, { client, deadline: run.deadline, now: now() });
  if (warnings.length === 0) return report;
  for (const warning of warnings) dependencies.onWarning?.(warning);
  const warned = { ...report, warnings };
  await writeReport(dependencies.store, warned, true);
  return warned;
}

/**
 * Orphaned item objects are swept once a day, by the first full run: the sweep lists every item
 * object and reads every shard, which a run that only fetches need not do.
 */
function isFirstFullRunOfDay({ request, state, startedAt, sourcesFile }: SettledRun): boolean {
  const day = new Date(startedAt).toISOString().slice(0, 10);
  // A run of some sources earlier that day does not count: history tells it by its fewer sources.
  const full = (entry: RunHistoryEntry) => entry.counts.sources >= sourcesFile.sources.length;
  return (
    request.only === undefined && !state.history.some((entry) => entry.startedAt.slice(0, 10) === day && full(entry))
  );
}

function summarizeRun(
  { runId, request, startedAt, fetchPhase }: SettledRun,
  reports: SourceReport[],
  publishedItems: number,
  { store, now = Date.now }: Pick<PublishDependencies, 'store' | 'now'>,
): RunReport {
  // The summary lists what the run writes, nothing it skips: a user opening a listed file finds this run in it.
  const latest = publishesLatest(runStatus(reports))
    ? {
        feedJson: store.locate(OUTPUT_KEYS.feedJson),
        feedXml: store.locate(OUTPUT_KEYS.feedXml),
        html: store.locate(OUTPUT_KEYS.html),
        status: store.locate(OUTPUT_KEYS.status),
      }
    : {};
  return summarize({
    runId,
    dryRun: request.dryRun,
    startedAt,
    finishedAt: now(),
    fetchPhase,
    reports,
    publishedItems,
    outputs: request.dryRun ? {} : { ...latest, report: store.locate(reportKey(runId)) },
  });
}

/**
 * Readers must never see a half-written set: the report first, the "latest" objects last, and
 * when nothing succeeded the previous good outputs stay as they were. The latest are rendered
 * first and then written at once, so the run waits for one write, not three.
 */
async function writeOutputs(
  run: SettledRun,
  report: RunReport,
  items: PublishedItem[],
  known: KnownSources,
  store: Store,
): Promise<void> {
  // The latest are rendered while the report is on its way.
  const reportWritten = writeReport(store, report, topicsToPing(run.sourcesFile.feed, report).length === 0);
  let latest: ReturnType<typeof renderLatest>;
  try {
    latest = publishesLatest(report.status) ? renderLatest(run.sourcesFile, report, items, known) : [];
  } finally {
    // Even when rendering failed: the claim is given up only once nothing is still being written.
    await reportWritten;
  }
  // All settle before a failure is thrown: the claim is given up only once none is still being written.
  const written = await Promise.allSettled(
    latest.map(({ key, body, contentType }) =>
      store.put(key, body, { contentType, cacheControl: CACHE_CONTROL.latest }),
    ),
  );
  const failed = written.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * A report is immutable once `final`. Before the WebSub ping it is not: a hub that fails adds a
 * warning, and the report is written again. Until then it is cached no longer than the latest
 * outputs, so no cache keeps the first version for good.
 */
function writeReport(store: Store, report: RunReport, final: boolean): Promise<void> {
  return store.put(reportKey(report.runId), JSON.stringify(report, null, 2), {
    contentType: REPORT_CONTENT_TYPE,
    cacheControl: final ? CACHE_CONTROL.immutable : CACHE_CONTROL.latest,
  });
}

/** The latest outputs of the same items, each under its key with its content type. */
function renderLatest(
  sourcesFile: SourcesFile,
  report: RunReport,
  items: PublishedItem[],
  { history, names }: KnownSources,
): { key: string; body: string; contentType: string }[] {
  const context = renderContextFor(
    sourcesFile.feed ?? DEFAULT_FEED,
    sourceLabels(sourcesFile, names),
    report.finishedAt,
  );
  const bodies = {
    feedJson: renderJsonFeed(items, context),
    feedXml: renderAtom(items, context),
    html: renderReadingPage(items, context),
    status: renderStatusPage(report, context, history),
  };
  return (Object.keys(bodies) as (keyof typeof bodies)[]).map((output) => ({
    key: OUTPUT_KEYS[output],
    body: bodies[output],
    contentType: OUTPUT_CONTENT_TYPES[output],
  }));
}

/** What the outputs show besides the items: the runs so far, and what each source calls itself. */
interface KnownSources {
  /** This run included, oldest first. */
  history: readonly RunHistoryEntry[];
  names: ReadonlyMap<string, SourceName>;
}

/** Each source's name: the sources file's, else the one its feed last gave itself. */
function sourceLabels({ sources }: SourcesFile, names: ReadonlyMap<string, SourceName>): SourceLabel[] {
  return sources.map(({ id, url, title }) => ({
    id,
    url,
    title: title ?? names.get(id)?.title,
    siteUrl: names.get(id)?.siteUrl,
  }));
}
