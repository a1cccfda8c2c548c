import { STATE_KEY } from '../core/storageLayout.js';
import type { SourceState } from '../process/sourceState.js';
import type { RunHistoryEntry } from '../render/runHistory.js';
import type { Store } from './store.js';

export interface PipelineState {
  version: typeof STATE_VERSION;
  sources: Record<string, SourceState>;
  /** The last runs, oldest first, for the report page's chart. */
  history: RunHistoryEntry[];
}

const STATE_VERSION = 2;
/** Version 1 kept every source's items inline, so state grew with their size. */
const INLINE_ITEMS_VERSION = 1;

function emptyState(): PipelineState {
  return { version: STATE_VERSION, sources: {}, history: [] };
}

/** The state earlier runs left; missing or corrupt state is a clean first run, with a warning. */
export async function readState(dependencies: {
  store: Store;
  onWarning?: (message: string) => void;
}): Promise<PipelineState> {
  const { state, problem } = parseState(await dependencies.store.get(STATE_KEY));
  if (problem) dependencies.onWarning?.(problem);
  return state;
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
      return {
        state: withoutInlineItems(json.sources, json.history),
        problem: 'state from an earlier version: every source is fetched in full once',
      };
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

function isHistoryEntry(entry: unknown): entry is RunHistoryEntry {
  const candidate = entry as Partial<RunHistoryEntry> | null;
  return (
    typeof candidate?.runId === 'string' &&
    typeof candidate.startedAt === 'string' &&
    typeof candidate.durationMs === 'number' &&
    typeof candidate.counts?.failed === 'number'
  );
}
