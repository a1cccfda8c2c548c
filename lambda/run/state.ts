import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from '../core/errors.js';
import type { Summary } from '../core/model.js';
import { Semaphore } from '../core/semaphore.js';
import { STATE_KEY, STATE_SHARDS_FOLDER } from '../core/storageLayout.js';
import type { KeptItems } from '../process/keptItems.js';
import { mergeSeen, type SourceState } from '../process/sourceState.js';
import { appendRunHistory, type RunHistoryEntry } from '../render/runHistory.js';
import { withCurrentItemIds } from './currentItemIds.js';
import { INTERNAL_JSON, type Store } from './store.js';

// State is one small manifest (state.json: the run history and the shard count) and one object per
// shard holding the state of the sources that hash to it. A run reads only the shards of its
// sources and rewrites only the shards it changed, so its requests grow with shards, not sources,
// and two runs changing different sources never write the same object. Every write is a
// compare-and-swap (If-Match on the version read, If-None-Match: * on the first write): on a
// conflict the run re-reads, reapplies its own sources' updates over what the other run wrote,
// and tries again, so no source's update is ever lost. A run packs the changed sources' items of
// each shard into one object (see KeptItemsStore), so only that shard's object names the pack:
// a pack no source of its shard names any more is deleted when that shard is written. Which
// objects a shard alone names is the item store's to say (StateChange.ownedByShard), not state's.

/** What a run knows of earlier runs: the state of the sources it read, and the history. */
export interface PipelineState {
  sources: Record<string, SourceState>;
  /** The last runs, oldest first, for the report page's chart. */
  history: RunHistoryEntry[];
  /** How many shards state has; absent while it has none yet (a first run, or an earlier version's). */
  shards?: number;
}

const STATE_VERSION = 5;
/** Version 4 had the same layout, with ids in foreign schemes as feeds wrote them (see withCurrentItemIds). */
const FEED_WRITTEN_IDS_VERSION = 4;
/** Version 3 had the same shards, with each source's items in an object of their own. */
const PER_SOURCE_ITEMS_VERSION = 3;
/** Version 2 kept every source's state in state.json itself. */
const SINGLE_FILE_VERSION = 2;
/** Version 1 kept every source's items inline too, so state grew with their size. */
const INLINE_ITEMS_VERSION = 1;

/** A shard's object stays a few hundred KB (a source's state is ~1.4 KB on average, 2,000 seen ids at most). */
const SOURCES_PER_SHARD = 256;
const MAX_SHARDS = 4096;
/** Shard objects read or written at once: S3's latency, not its bandwidth, bounds them. */
const SHARDS_AT_ONCE = 8;
/** Conflicts in a row on one object before the run gives up (and its retry starts over). */
const MAX_WRITE_ATTEMPTS = 8;
const CONFLICT_BACKOFF_MS = 50; // doubled per attempt, with jitter

interface Manifest {
  version: typeof STATE_VERSION;
  shards: number;
  history: RunHistoryEntry[];
}

interface ShardFile {
  sources: Record<string, SourceState>;
}

/**
 * How state.json was found: sharded, or an earlier single file (or none) whose sources are all in
 * hand. `earlier`: written before version 5 (always, for a single file), so its sources are
 * converted as they are read, and the next commit rewrites every shard.
 */
type Layout = { history: RunHistoryEntry[]; earlier: boolean } & (
  | { kind: 'sharded'; shards: number }
  | { kind: 'single'; sources: Record<string, SourceState> }
);

interface ReadOptions {
  onWarning?: (message: string) => void;
}

/** The shard count for this many sources: a power of two, so a source's shard is stable while the count is. */
export function shardCountFor(sources: number): number {
  let shards = 1;
  while (shards * SOURCES_PER_SHARD < sources && shards < MAX_SHARDS) shards *= 2;
  return shards;
}

export function shardOf(sourceId: string, shards: number): number {
  return createHash('sha256').update(sourceId).digest().readUInt32BE(0) % shards;
}

export function shardKey(shard: number, shards: number): string {
  return `${STATE_SHARDS_FOLDER}${shards}-${shard}.json`;
}

/**
 * The state earlier runs left for `sourceIds` (all sources when absent), reading only their
 * shards. Missing, corrupt or future-versioned state is a clean first run, with a warning: state
 * only saves work and tells new from old, so losing it must never stop the pipeline.
 */
export async function readState(
  store: Store,
  sourceIds?: readonly string[],
  options: ReadOptions = {},
): Promise<PipelineState> {
  const { layout } = await readLayout(store, options);
  if (layout.kind === 'single') {
    const sources = sourceIds ? pick(layout.sources, sourceIds) : layout.sources;
    return { sources: inCurrentForm(layout, sources, options), history: layout.history };
  }
  const wanted = sourceIds && new Set(sourceIds);
  const shards = sourceIds
    ? [...new Set(sourceIds.map((id) => shardOf(id, layout.shards)))]
    : Array.from({ length: layout.shards }, (_, shard) => shard);
  const sources: Record<string, SourceState> = {};
  await forEachShard(store, layout.shards, shards, options, (shardSources) => {
    for (const [id, state] of Object.entries(shardSources)) if (!wanted || wanted.has(id)) sources[id] = state;
  });
  return { sources: inCurrentForm(layout, sources, options), history: layout.history, shards: layout.shards };
}

/**
 * Calls `visit` with every source's state, one shard at a time, so a caller that keeps only what
 * it needs of each (the published items' digests) holds one shard's state at once.
 */
export async function scanState(
  store: Store,
  visit: (sources: Record<string, SourceState>) => void,
  options: ReadOptions = {},
): Promise<void> {
  // readState already warned about a damaged or earlier state.json.
  const { layout } = await readLayout(store, {});
  if (layout.kind === 'single') return visit(inCurrentForm(layout, layout.sources));
  const all = Array.from({ length: layout.shards }, (_, shard) => shard);
  await forEachShard(store, layout.shards, all, options, (sources) => visit(inCurrentForm(layout, sources)));
}

/**
 * Sources as this version stores them: an earlier version's converted (see withCurrentItemIds),
 * with a warning for the sources that are fetched in full once because of it.
 */
function inCurrentForm(
  { earlier }: Layout,
  sources: Record<string, SourceState>,
  options: ReadOptions = {},
): Record<string, SourceState> {
  if (!earlier) return sources;
  const converted = withCurrentItemIds(sources);
  const { length } = converted.refetched;
  if (length > 0) {
    options.onWarning?.(
      `state from an earlier version: ${length} source(s) kept items whose ids are now published differently ` +
        `and are fetched in full once (${converted.refetched.join(', ')})`,
    );
  }
  return converted.sources;
}

/** How many shards state has, or will have once a run over `sources` sources writes it. */
export async function stateShardCount(store: Store, sources: number): Promise<number> {
  const { layout } = await readLayout(store, {});
  return layout.kind === 'sharded' ? layout.shards : shardCountFor(sources);
}

/** Every item object state names now: what a sweep for orphans must keep. */
export async function referencedItemKeys(store: Store): Promise<Set<string>> {
  const keys = new Set<string>();
  await scanState(store, (sources) => {
    for (const state of Object.values(sources)) if (state.items) keys.add(state.items.key);
  });
  return keys;
}

/**
 * The states a run settled, as publishing reads them: held in memory by a single-function run,
 * read back a batch file at a time by a distributed run's merge step, so that it never holds
 * every source's state at once.
 */
export interface SettledStates {
  /** The sources settled: their state replaces what state holds for them. */
  readonly ids: ReadonlySet<string>;
  /** The settled sources of shard `shard` of `shards`, with their states. */
  inShard(shard: number, shards: number): Promise<ReadonlyMap<string, SourceState>>;
}

/** SettledStates over states in memory. */
export function statesInMemory(states: ReadonlyMap<string, SourceState>): SettledStates {
  return {
    ids: new Set(states.keys()),
    inShard: async (shard, shards) => new Map([...states].filter(([id]) => shardOf(id, shards) === shard)),
  };
}

/** What one run changes in state. */
export interface StateChange {
  /** The sources file's ids: any other source is forgotten in every shard this run rewrites. */
  known: ReadonlySet<string>;
  /** What this run settled, per source: it replaces what state held for that source. */
  settled: SettledStates;
  /** Sources whose kept items could not be read, with the object that failed: forgotten while state still names it. */
  unreadable: ReadonlyMap<string, string>;
  /** The run, for the history. */
  summary: Summary;
  /**
   * Rewrite every shard that changes, not only those of settled sources: a full run forgets removed
   * sources everywhere.
   */
  everyShard: boolean;
  /**
   * Whether shard `shard` of `shards` alone can name the object that holds `kept`, so that the
   * object may be deleted once that shard's object names it no more (KeptItemsStore knows how its
   * objects are laid out). Absent: none is, and the objects state stops naming are left to the
   * daily sweep of unreferenced objects.
   */
  ownedByShard?: (kept: KeptItems, shard: number, shards: number) => boolean;
}

/**
 * Writes this run's change over whatever state is stored now, shards first and state.json (the
 * history) last, retrying each object on a conflict with another writer. State from an earlier
 * version is converted on the way: every shard is rewritten in this version's form (an earlier
 * single file's sources go to their shards), so no later run converts it again.
 * @returns the item object keys the written state no longer names: the caller deletes them
 * @throws StoreError when an object kept changing under this run (MAX_WRITE_ATTEMPTS conflicts in a row)
 */
export async function commitState(store: Store, change: StateChange): Promise<string[]> {
  const superseded: string[] = [];
  let writtenShards: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const { layout, version } = await readLayout(store, {});
    const shards = layout.kind === 'sharded' ? layout.shards : shardCountFor(change.known.size);
    // Shards written for this layout stay written: a race on state.json alone only redoes the history.
    if (writtenShards !== shards) {
      superseded.push(...(await writeShards(store, change, shards, layout)));
      writtenShards = shards;
    }
    const manifest: Manifest = {
      version: STATE_VERSION,
      shards,
      history: appendRunHistory(layout.history, change.summary),
    };
    const body = JSON.stringify(manifest);
    const wrote =
      version === undefined
        ? await store.putIfAbsent(STATE_KEY, body, INTERNAL_JSON)
        : await store.replaceIfVersion(STATE_KEY, body, INTERNAL_JSON, version);
    if (wrote) return superseded;
    await backOff(store, STATE_KEY, attempt);
  }
}

async function writeShards(store: Store, change: StateChange, shards: number, layout: Layout): Promise<string[]> {
  const single = layout.kind === 'single' ? layout.sources : undefined;
  // Each source's shard is hashed once, not once per shard written.
  const perShard = new Map<number, ShardExtras>();
  const extrasOf = (id: string) => {
    const shard = shardOf(id, shards);
    const found: ShardExtras = perShard.get(shard) ?? { unreadable: new Map(), single: {} };
    perShard.set(shard, found);
    return found;
  };
  for (const [id, key] of change.unreadable) extrasOf(id).unreadable.set(id, key);
  for (const [id, state] of Object.entries(single ?? {})) extrasOf(id).single[id] = state;
  const settledShards = new Set([...change.settled.ids].map((id) => shardOf(id, shards)));
  // Converting earlier state writes every shard; so does a full run, which may forget removed sources anywhere.
  const targets =
    layout.earlier || change.everyShard
      ? Array.from({ length: shards }, (_, shard) => shard)
      : [...new Set([...settledShards, ...perShard.keys()])].sort((a, b) => a - b);
  const superseded: string[] = [];
  const slots = new Semaphore(SHARDS_AT_ONCE);
  const none: ShardExtras = { unreadable: new Map(), single: {} };
  await Promise.all(
    targets.map((shard) =>
      slots.run(async () => {
        // Only a few shards' settled states are in hand at once (see SettledStates).
        const settled = settledShards.has(shard) ? await change.settled.inShard(shard, shards) : new Map();
        const own = { ...(perShard.get(shard) ?? none), settled };
        const written = await writeShard(store, { shard, shards }, change, own, layout);
        superseded.push(...written);
      }),
    ),
  );
  return superseded;
}

/** What an earlier single file held for one shard, and its sources whose items could not be read. */
interface ShardExtras {
  unreadable: Map<string, string>;
  single: Record<string, SourceState>;
}

/** One shard's part of a StateChange. */
interface ShardChange extends ShardExtras {
  settled: ReadonlyMap<string, SourceState>;
}

async function writeShard(
  store: Store,
  { shard, shards }: { shard: number; shards: number },
  { known, ownedByShard }: Pick<StateChange, 'known' | 'ownedByShard'>,
  change: ShardChange,
  layout: Layout,
): Promise<string[]> {
  const key = shardKey(shard, shards);
  for (let attempt = 1; ; attempt++) {
    const stored = await store.getVersioned(key);
    // A damaged shard is overwritten: its sources start clean, as with a damaged state.json.
    const found = (stored ? parseShard(stored.text) : layout.kind === 'single' ? change.single : undefined) ?? {};
    // Converting again what another run converted meanwhile changes nothing.
    const current = inCurrentForm(layout, found);
    const next = applyChange(current, known, change);
    const body = JSON.stringify({ sources: next } satisfies ShardFile);
    if (stored?.text === body) return [];
    const wrote = stored
      ? await store.replaceIfVersion(key, body, INTERNAL_JSON, stored.version)
      : Object.keys(next).length === 0 || (await store.putIfAbsent(key, body, INTERNAL_JSON));
    if (wrote) return itemKeysDropped(found, next, (kept) => ownedByShard?.(kept, shard, shards) ?? false);
    await backOff(store, key, attempt);
  }
}

/**
 * This run's sources take this run's state, with the ids another run saw kept as seen so nothing
 * is announced twice; every other source keeps what is stored now.
 */
function applyChange(
  current: Record<string, SourceState>,
  known: ReadonlySet<string>,
  change: ShardChange,
): Record<string, SourceState> {
  const next: Record<string, SourceState> = {};
  for (const [id, state] of Object.entries(current)) if (known.has(id)) next[id] = state;
  for (const [id, state] of change.settled) {
    const stored = next[id];
    next[id] = stored ? { ...state, seenIds: mergeSeen(stored.seenIds ?? [], state.seenIds) } : state;
  }
  for (const [id, key] of change.unreadable) {
    const state = next[id];
    if (state?.items?.key !== key) continue;
    // Validators go with the items, or a 304 would leave the source empty.
    const { items: _items, validators: _validators, ...rest } = state;
    next[id] = rest;
  }
  // By id, so the object is the same however the run met its sources (a distributed run's
  // batch files are read in any order): unchanged state is then never rewritten.
  return Object.fromEntries(Object.entries(next).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The item objects the shard named before and names no more, of those only it can name (`owned`):
 * since this shard object names every source that can name them, none still names them anywhere,
 * which is reference counting by the shard's own object. Any other object (a pack written while
 * state had another shard count) is left to the daily sweep of unreferenced objects.
 */
function itemKeysDropped(
  before: Record<string, SourceState>,
  after: Record<string, SourceState>,
  owned: (kept: KeptItems) => boolean,
): string[] {
  const kept = new Set(Object.values(after).map((state) => state.items?.key));
  const dropped = new Set<string>();
  for (const { items } of Object.values(before)) {
    if (items && !kept.has(items.key) && owned(items)) dropped.add(items.key);
  }
  return [...dropped];
}

async function backOff(store: Store, key: string, attempt: number): Promise<void> {
  if (attempt >= MAX_WRITE_ATTEMPTS) {
    throw new StoreError(`${store.locate(key)} changed under this run ${attempt} times in a row; giving up`);
  }
  await sleep(CONFLICT_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random()));
}

async function readLayout(store: Store, options: ReadOptions): Promise<{ layout: Layout; version?: string }> {
  const stored = await store.getVersioned(STATE_KEY);
  const { layout, problem } = parseManifest(stored?.text);
  if (problem) options.onWarning?.(problem);
  return { layout, version: stored?.version };
}

async function forEachShard(
  store: Store,
  shards: number,
  which: readonly number[],
  options: ReadOptions,
  visit: (sources: Record<string, SourceState>) => void,
): Promise<void> {
  const slots = new Semaphore(SHARDS_AT_ONCE);
  await Promise.all(
    which.map((shard) =>
      slots.run(async () => {
        const key = shardKey(shard, shards);
        const text = await store.get(key);
        const sources = text === undefined ? {} : parseShard(text);
        if (!sources) options.onWarning?.(`${store.locate(key)} is unreadable: its sources start clean`);
        visit(sources ?? {});
      }),
    ),
  );
}

/** A shard's sources, or `undefined` when the object is damaged. */
function parseShard(text: string): Record<string, SourceState> | undefined {
  try {
    const { sources } = JSON.parse(text) as Partial<ShardFile>;
    return typeof sources === 'object' && sources !== null && !Array.isArray(sources) ? sources : undefined;
  } catch {
    return undefined;
  }
}

// Shards that a damaged state.json leaves behind may be of any version.
const emptyLayout = (): Layout => ({ kind: 'single', sources: {}, history: [], earlier: true });

function parseManifest(text: string | undefined): { layout: Layout; problem?: string } {
  if (text === undefined) return { layout: emptyLayout() };
  try {
    const json = JSON.parse(text) as { version?: unknown; sources?: unknown; shards?: unknown; history?: unknown };
    const sources = typeof json.sources === 'object' && json.sources !== null ? json.sources : undefined;
    // Version 3 reads as 4: its per-source objects stay named until their sources change.
    const earlier = json.version === FEED_WRITTEN_IDS_VERSION || json.version === PER_SOURCE_ITEMS_VERSION;
    if (
      (earlier || json.version === STATE_VERSION) &&
      Number.isSafeInteger(json.shards) &&
      (json.shards as number) >= 1
    ) {
      const shards = json.shards as number;
      return { layout: { kind: 'sharded', shards, history: historyOf(json.history), earlier } };
    }
    if (json.version === SINGLE_FILE_VERSION && sources) {
      const single = sources as Record<string, SourceState>;
      return { layout: { kind: 'single', sources: single, history: historyOf(json.history), earlier: true } };
    }
    if (json.version === INLINE_ITEMS_VERSION && sources) {
      return {
        layout: withoutInlineItems(sources as Record<string, SourceState>, json.history),
        problem: 'state from an earlier version: every source is fetched in full once',
      };
    }
    return { layout: emptyLayout(), problem: `state version ${String(json.version)} not understood; starting clean` };
  } catch (error) {
    return { layout: emptyLayout(), problem: `state file unreadable (${(error as Error).message}); starting clean` };
  }
}

/**
 * Keeps what version 1 knew besides items: seen ids (so nothing is announced as new again),
 * streaks and redirects. Validators go with the items, or a 304 would leave a source empty.
 */
function withoutInlineItems(sources: Record<string, SourceState>, history: unknown): Layout {
  const converted: Record<string, SourceState> = {};
  for (const [id, { items: _items, validators: _validators, ...rest }] of Object.entries(sources)) converted[id] = rest;
  return { kind: 'single', sources: converted, history: historyOf(history), earlier: true };
}

function pick(sources: Record<string, SourceState>, ids: readonly string[]): Record<string, SourceState> {
  const picked: Record<string, SourceState> = {};
  for (const id of ids) {
    const state = sources[id];
    if (state) picked[id] = state;
  }
  return picked;
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
