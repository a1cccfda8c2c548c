import { SourceError } from './errors.js';
import type { FetchOutcome, Item, Settings, Source, SourceReport } from './model.js';
import { parseSource } from './parse/parseSource.js';
import { rememberSeen, type SourceState } from './state.js';

/** What one source contributes to the run once its fetch outcome is understood. */
export interface SettledSource {
  report: SourceReport;
  /** The items this source shows in the outputs: fresh ones, or the last good ones it had. */
  items: Item[];
  newItems: Item[];
  /** The state to remember; undefined keeps the previous state untouched. */
  state?: SourceState;
}

/**
 * Turns a fetch outcome into items and a report line. A failing source keeps showing its last
 * good items, so one bad run of a source never empties it from the feed.
 */
export function settleSource(
  source: Source,
  outcome: FetchOutcome,
  previous: SourceState | undefined,
  settings: Settings,
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
  if (outcome.status === 'not_modified') {
    return { report: { ...line, status: 'not_modified', items: kept.length, newItems: 0 }, items: kept, newItems: [] };
  }
  if (outcome.status === 'failed') {
    return { report: failedLine(line, outcome.failure.code, outcome.failure.message), items: kept, newItems: [] };
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
    const failure =
      error instanceof SourceError ? error.toFailure() : { code: 'internal' as const, message: `parser crashed: ${String(error)}` };
    return { report: failedLine(line, failure.code, failure.message), items: kept, newItems: [] };
  }
  const seen = new Set(previous?.seenIds);
  const newItems = items.filter((item) => !seen.has(item.id));
  return {
    report: { ...line, status: 'ok', items: items.length, newItems: newItems.length },
    items,
    newItems,
    state: { items, seenIds: rememberSeen(previous?.seenIds ?? [], items), validators: outcome.validators },
  };
}

function failedLine(
  line: Omit<SourceReport, 'status' | 'items' | 'newItems'>,
  code: SourceReport['errorCode'] & string,
  message: string,
): SourceReport {
  return { ...line, status: 'failed', items: 0, newItems: 0, error: message, errorCode: code };
}
