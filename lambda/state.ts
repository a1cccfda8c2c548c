import type { KeptItems } from './keptItems.js';
import type { Item, Validators } from './model.js';
import { ownedString } from './ownedString.js';
import type { RunHistoryEntry } from './render/runHistory.js';

/** What the pipeline remembers about one source between runs. */
export interface SourceState {
  /** The source's items from its last good response: reused on 304, on failure and in subset runs. */
  items?: KeptItems;
  /** Ids already published, newest last, so a later run can tell which items are new. */
  seenIds: string[];
  validators?: Validators;
  /** Failures in a row that say the source is broken (rate limits and our deadline don't count). */
  failureStreak?: number;
  /** A broken source is left alone until then (RFC 3339). */
  nextAttemptAt?: string;
  /** The permanent redirect seen on the last runs, and on how many in a row. */
  redirect?: { to: string; runs: number };
  /** How long the source took to answer last time, in ms: the slowest are asked first (see longestFirst). */
  lastFetchMs?: number;
}

export interface PipelineState {
  version: typeof STATE_VERSION;
  sources: Record<string, SourceState>;
  /** The last runs, oldest first, for the report page's chart. */
  history: RunHistoryEntry[];
}

export const STATE_KEY = 'state/state.json';
const STATE_VERSION = 2;
/** Version 1 kept every source's items inline, so state grew with their size. */
const INLINE_ITEMS_VERSION = 1;
/** Enough to recognise every item a source can still show, bounded so state stays small. */
const MAX_SEEN_IDS_PER_SOURCE = 2000;

function emptyState(): PipelineState {
  return { version: STATE_VERSION, sources: {}, history: [] };
}

/**
 * A missing, corrupt or future-versioned state file means a clean first run: state only saves
 * work and tells new from old, so losing it must never stop the pipeline.
 */
export function parseState(text: string | undefined): { state: PipelineState; problem?: string } {
  if (text === undefined) return { state: emptyState() };
  try {
    const json = JSON.parse(text) as Omit<Partial<PipelineState>, 'version'> & { version?: unknown };
    if (json.version === INLINE_ITEMS_VERSION && typeof json.sources === 'object' && json.sources !== null) {
      return { state: withoutInlineItems(json.sources, json.history), problem: 'state from an earlier version: every source is fetched in full once' };
    }
    if (json.version !== STATE_VERSION || typeof json.sources !== 'object' || json.sources === null) {
      return { state: emptyState(), problem: `state version ${String(json.version)} not understood; starting clean` };
    }
    return { state: { ...(json as PipelineState), history: historyOf(json.history) } };
  } catch (error) {
    return { state: emptyState(), problem: `state file unreadable (${(error as Error).message}); starting clean` };
  }
}

/**
 * Keeps what version 1 knew besides items: seen ids (so nothing is announced as new again),
 * streaks and redirects. Validators go with the items, or a 304 would leave a source empty.
 */
function withoutInlineItems(sources: Record<string, SourceState>, history: unknown): PipelineState {
  const converted: Record<string, SourceState> = {};
  for (const [id, { items: _items, validators: _validators, ...rest }] of Object.entries(sources)) converted[id] = rest;
  return { version: STATE_VERSION, sources: converted, history: historyOf(history) };
}

/** History only draws a chart: a damaged one is dropped rather than failing the run. */
function historyOf(history: unknown): RunHistoryEntry[] {
  return Array.isArray(history) ? history.filter(isHistoryEntry) : [];
}

/** The source's last fetch time when state holds a usable one: state is read from storage unchecked. */
export function lastFetchMsOf(state: SourceState | undefined): number | undefined {
  const ms = state?.lastFetchMs;
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : undefined;
}

/**
 * The seen ids with `items` added, newest last, cut to the newest MAX_SEEN_IDS_PER_SOURCE.
 * @param items newest first, as a source keeps them
 */
export function rememberSeen(previous: readonly string[], items: readonly Item[]): string[] {
  const seen = new Set(previous);
  for (const item of items.toReversed()) {
    const id = ownedString(item.id);
    seen.delete(id);
    seen.add(id);
  }
  return [...seen].slice(-MAX_SEEN_IDS_PER_SOURCE);
}

function isHistoryEntry(entry: unknown): entry is RunHistoryEntry {
  const candidate = entry as Partial<RunHistoryEntry> | null;
  return (
    typeof candidate?.runId === 'string' &&
    typeof candidate.startedAt === 'string' &&
    typeof candidate.durationMs === 'number' &&
    typeof candidate.counts?.failed === 'number'
  );
}
