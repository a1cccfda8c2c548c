// Where everything lives under OUTPUT_PREFIX, and how long caches may keep it: one table, read by
// the pipeline that writes the keys and by the stack that grants, expires and serves them.

/** The latest outputs: overwritten by every run that publishes. */
export const OUTPUT_KEYS = {
  feedJson: 'feed.json',
  feedXml: 'feed.xml',
  /** The reading page. */
  html: 'index.html',
  /** The run report as a page. */
  status: 'status.html',
} as const;

/** How each latest output is served. */
export const OUTPUT_CONTENT_TYPES = {
  feedJson: 'application/feed+json',
  feedXml: 'application/atom+xml',
  html: 'text/html; charset=utf-8',
  status: 'text/html; charset=utf-8',
} as const;

/** The immutable run reports, one per run. */
export const RUN_REPORTS_FOLDER = 'runs/';
export const reportKey = (runId: string) => `${RUN_REPORTS_FOLDER}${runId}.json`;
export const REPORT_CONTENT_TYPE = 'application/json';

/** The pipeline's memory between runs; safe to delete (the next run is a clean first run). */
export const STATE_KEY = 'state/state.json';
/** Sources' state, one object per shard of sources (state.json names the shard count). */
export const STATE_SHARDS_FOLDER = 'state/sources/';
/** Sources' kept items: per run, one pack per state shard (see KeptItemsStore); written once, never changed. */
export const KEPT_ITEMS_FOLDER = 'state/items/';
/** Claims that make a run happen once however often its event is delivered. */
export const RUN_CLAIMS_FOLDER = 'state/runs/';
/** The distributed mode's per-run working folders. */
export const SHARDS_FOLDER = 'state/shards/';

export const CACHE_CONTROL = {
  latest: 'public, max-age=300', // 5 min: readers see a new run soon, CDNs still absorb bursts
  immutable: 'public, max-age=31536000, immutable',
  /** State, claims and shard files: read by the pipeline only, never worth caching. */
  internal: 'no-store',
} as const;
