import { SourceError } from './errors.js';
import type { FailureCode, FetchOutcome, Item, Settings, Source, SourceReport } from './model.js';
import { parseSource } from './parse/parseSource.js';
import { afterFailure, afterSuccess, movedTo, trackRedirect } from './sourceHealth.js';
import { rememberSeen, type SourceState } from './state.js';

/** What one source contributes to the run once its fetch outcome is understood. */
export interface SettledSource {
  report: SourceReport;
  /** The items this source shows in the outputs: fresh ones, or the last good ones it had. */
  items: Item[];
  newItems: Item[];
  /** What to remember about the source for the next run. */
  state: SourceState;
}

/**
 * Turns a fetch outcome into items, a report line and the state to remember. A failing source
 * keeps showing its last good items, so one bad run of a source never empties it from the feed;
 * validators change only with a good response.
 */
export function settleSource(
  source: Source,
  outcome: FetchOutcome,
  previous: SourceState | undefined,
  settings: Settings,
  now: number,
): SettledSource {
  const kept = previous?.items ?? [];
  const line = {
    id: source.id,
    url: source.url,
    httpStatus: outcome.httpStatus ?? null,
    bytes: outcome.bytes,
    durationMs: outcome.durationMs,
    attempts: outcome.attempts,
  };
  const fail = (code: FailureCode, message: string): SettledSource => {
    const state: SourceState = { items: kept, seenIds: previous?.seenIds ?? [], ...previous, ...afterFailure(previous, code, now) };
    return {
      report: reportLine(line, 'failed', 0, 0, state, { error: message, errorCode: code }),
      items: kept,
      newItems: [],
      state,
    };
  };

  if (outcome.status === 'failed') return fail(outcome.failure.code, outcome.failure.message);

  const redirect = trackRedirect(previous, outcome.permanentRedirect);
  if (outcome.status === 'not_modified') {
    const state: SourceState = { items: kept, seenIds: previous?.seenIds ?? [], ...previous, ...afterSuccess(), redirect };
    return { report: reportLine(line, 'not_modified', kept.length, 0, state), items: kept, newItems: [], state };
  }

  let items: Item[];
  try {
    items = parseSource(outcome.body, {
      contentType: outcome.contentType,
      finalUrl: outcome.finalUrl,
      sourceId: source.id,
      maxItemsPerSource: settings.maxItemsPerSource,
    });
  } catch (error) {
    if (error instanceof SourceError) return fail(error.code, error.message);
    return fail('internal', `parser crashed: ${String(error)}`);
  }
  const seen = new Set(previous?.seenIds);
  const newItems = items.filter((item) => !seen.has(item.id));
  const state: SourceState = {
    items,
    seenIds: rememberSeen(previous?.seenIds ?? [], items),
    validators: outcome.validators,
    ...afterSuccess(),
    redirect,
  };
  return { report: reportLine(line, 'ok', items.length, newItems.length, state), items, newItems, state };
}

/** A broken source resting until its next attempt: nothing fetched, its last good items kept. */
export function restingSource(source: Source, previous: SourceState): SettledSource {
  const line = { id: source.id, url: source.url, httpStatus: null, bytes: 0, durationMs: 0, attempts: 0 };
  return {
    report: reportLine(line, 'skipped', 0, 0, previous),
    items: previous.items,
    newItems: [],
    state: previous,
  };
}

function reportLine(
  line: Pick<SourceReport, 'id' | 'url' | 'httpStatus' | 'bytes' | 'durationMs' | 'attempts'>,
  status: SourceReport['status'],
  items: number,
  newItems: number,
  state: SourceState,
  failure: Pick<SourceReport, 'error' | 'errorCode'> = {},
): SourceReport {
  return {
    ...line,
    status,
    items,
    newItems,
    ...failure,
    failureStreak: state.failureStreak ?? 0,
    nextAttemptAt: state.nextAttemptAt,
    movedTo: movedTo(state.redirect),
    validators: state.validators,
  };
}
