// The shapes that flow through the pipeline. Field names of Item follow JSON Feed 1.1 so the
// renderers map them one to one and the public outputs read the same as the code.

/** `feed`: RSS, Atom or JSON Feed; `json`: a JSON API read through `items` and `fields`; `html`: a web page read through CSS selectors. */
export type SourceType = 'feed' | 'json' | 'html';

/**
 * Where each field of an item is found inside one element of the item list: a path into the
 * item object (type json) or a CSS selector inside the item element, `selector@attribute` for an
 * attribute (type html).
 */
export interface ItemFields {
  id?: string;
  url?: string;
  title?: string;
  date?: string;
  content?: string;
  /** type json: how to read `content`. @default 'text' */
  contentType?: 'html' | 'text';
}

/** A header value written out, or the name of a secret read at run time and never written anywhere. */
export type HeaderValue = string | { fromSsm: string } | { fromSecret: string };

/** Which items of a source are kept; terms are case-insensitive keywords or `/regex/flags`. */
export interface SourceFilter {
  /** Keep an item only if its title, summary or content matches one of these. */
  include?: string[];
  /** Drop an item whose title, summary or content matches one of these. */
  exclude?: string[];
  /** Drop dated items published longer ago than this, in days. */
  maxAgeDays?: number;
}

export interface Source {
  id: string;
  url: string;
  type: SourceType;
  /** type json: a path to the list of items; type html: a CSS selector matching each item. */
  items?: string;
  /** type json and html: where each item's fields are. */
  fields?: ItemFields;
  /** Sent with every request for this source. */
  headers?: Record<string, HeaderValue>;
  filter?: SourceFilter;
}

export interface Settings {
  /** Requests in flight at once, in total. @default 16 */
  concurrency: number;
  /** Requests in flight at once per origin (scheme + host + port). @default 4 */
  perHostConcurrency: number;
  /** One attempt, from connecting to the last body byte, in ms. @default 10_000 */
  timeoutMs: number;
  /** Response body cap in bytes, counted after decompression. @default 5 MiB */
  maxBytes: number;
  /** Further attempts after the first, for network errors, 408, 429 and 5xx. @default 2 */
  retries: number;
  /** @default 100 */
  maxItemsPerSource: number;
  /** Items in the published feed. @default 1000 */
  maxItems: number;
  /** Least time between the starts of two requests to one origin, in ms; 0 = no spacing. @default 0 */
  perHostDelayMs: number;
}

export interface SourcesFile {
  settings: Settings;
  sources: Source[];
}

export interface Author {
  name?: string;
  url?: string;
}

export interface Item {
  id: string;
  url?: string;
  title?: string;
  content_html?: string;
  content_text?: string;
  summary?: string;
  /** RFC 3339, UTC. */
  date_published?: string;
  /** RFC 3339, UTC. */
  date_modified?: string;
  authors?: Author[];
  tags?: string[];
  sourceId: string;
}

/** HTTP caching validators remembered from the last good response. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

/** Stable reasons a source can fail for; part of the run report's contract. */
export type FailureCode =
  | 'timeout'
  | 'deadline'
  | 'network'
  | 'dns'
  | 'blocked_address'
  | 'http_status'
  | 'rate_limited'
  | 'too_large'
  | 'too_complex'
  | 'bad_encoding'
  | 'too_many_redirects'
  | 'bad_redirect'
  | 'unsupported_format'
  | 'malformed'
  | 'secret_unavailable'
  | 'internal';

export interface Failure {
  code: FailureCode;
  message: string;
}

/** What fetching one source produced; the body is only present for status ok. */
export type FetchOutcome =
  | {
      status: 'ok';
      httpStatus: number;
      body: Buffer;
      contentType: string | undefined;
      /** The URL the body came from, after redirects: the base for relative links. */
      finalUrl: string;
      validators: Validators;
      /** Where the source now lives when every redirect on the way was permanent (301/308). */
      permanentRedirect?: string;
      bytes: number;
      durationMs: number;
      attempts: number;
    }
  | {
      status: 'not_modified';
      httpStatus: 304;
      finalUrl: string;
      permanentRedirect?: string;
      bytes: number;
      durationMs: number;
      attempts: number;
    }
  | {
      status: 'failed';
      httpStatus?: number;
      failure: Failure;
      bytes: number;
      durationMs: number;
      attempts: number;
    };

/** `skipped`: a source broken for several runs in a row, left alone until its next attempt time. */
export type SourceStatus = 'ok' | 'not_modified' | 'failed' | 'skipped';

/** One line of the run report per source. */
export interface SourceReport {
  id: string;
  url: string;
  status: SourceStatus;
  httpStatus: number | null;
  items: number;
  newItems: number;
  bytes: number;
  /** Time spent fetching, retries and their waits included; time the response waited for room to be read (the run's own pace) left out. */
  durationMs: number;
  attempts: number;
  error?: string;
  errorCode?: FailureCode;
  /** Failures in a row, this run included; 0 after a success. */
  failureStreak: number;
  /** For a broken source: when it will be tried again. */
  nextAttemptAt?: string;
  /** A permanent redirect seen on several consecutive runs: update the sources file. */
  movedTo?: string;
  /** The source's URL answered with a page linking to this feed, which was read instead: put it in the sources file. */
  discoveredFeed?: string;
  /** The validators remembered for the next conditional GET. */
  validators?: Validators;
}

export type RunStatus = 'ok' | 'partial' | 'failed';

export interface Summary {
  runId: string;
  status: RunStatus;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  counts: {
    sources: number;
    ok: number;
    notModified: number;
    failed: number;
    skipped: number;
    items: number;
    newItems: number;
    /** Bytes received on the wire by all fetches of the run. */
    bytes: number;
  };
  outputs: {
    feedJson: string;
    feedXml: string;
    html: string;
    report: string;
  };
  failures: { id: string; url: string; error: string; code: FailureCode }[];
  /** Sources that have permanently redirected for several runs in a row. */
  moved: { id: string; url: string; movedTo: string }[];
}

export interface RunReport extends Summary {
  sources: SourceReport[];
}

/** One run notification: a short human subject, the machine-readable message, filterable attributes. */
export interface Notification {
  subject: string;
  message: string;
  attributes: Record<string, string>;
}
