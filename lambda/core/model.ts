// The shapes that flow through the pipeline. Field names of Item follow JSON Feed 1.1 so the
// renderers map them one to one and the public outputs read the same as the code.

import type { Failure, FailureCode } from './errors.js';

export type { FeedIdentity } from './feedSchema.js';
export type {
  HeaderValue,
  ItemFields,
  Settings,
  Source,
  SourceFilter,
  SourcesFile,
  SourceType,
} from './sourcesFileSchema.js';

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

/** A fetch that brought a body. */
export type FetchedBody = Extract<FetchOutcome, { status: 'ok' }>;

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
  /**
   * Time spent fetching, retries and their waits included; time the response waited for room to be
   * read (the run's own pace) left out.
   */
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
  /**
   * Status ok, but the feed is not well-formed XML and was read leniently: what was wrong first,
   * with its line and column, for the owner to pass on to the feed's publisher.
   */
  recovered?: string;
  /**
   * Status ok, and this many items had a date that was dropped: not a date, or outside 1970-01-01 …
   * the run's start + `futureDateToleranceHours`. They are published undated and sort after dated
   * items. Absent when none.
   */
  datesDropped?: number;
}

export type RunStatus = 'ok' | 'partial' | 'failed';

export interface Summary {
  runId: string;
  status: RunStatus;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /**
   * Where `durationMs` went, in three phases that add up to it: `setupMs` until fetching began
   * (naming and claiming the run, reading state), `fetchMs` until the last source was settled and
   * its items stored, `tailMs` until this report was made (merging, reading items back).
   */
  timings: RunTimings;
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
  /**
   * Where the run wrote its outputs: only those it wrote. None in a dry run; only the report when
   * every source failed (the latest outputs are left as they were).
   */
  outputs: {
    feedJson?: string;
    feedXml?: string;
    /** The reading page. */
    html?: string;
    /** The run report as a page. */
    status?: string;
    report?: string;
  };
  failures: { id: string; url: string; error: string; code: FailureCode }[];
  /** Sources that have permanently redirected for several runs in a row. */
  moved: { id: string; url: string; movedTo: string }[];
  /**
   * What went wrong without failing the run, once its outputs were written: a WebSub hub that was
   * not told of a feed. Absent when nothing did.
   */
  warnings?: string[];
}

export interface RunTimings {
  setupMs: number;
  fetchMs: number;
  tailMs: number;
}

export interface RunReport extends Summary {
  sources: SourceReport[];
}

/**
 * How many new items a run notification lists, newest first. Each source keeps at most this many
 * as headlines, so a run holds a bounded few whatever its sources publish.
 */
export const MAX_NEW_ITEMS_LISTED = 20;

/** One run notification: a short human subject, the machine-readable message, filterable attributes. */
export interface Notification {
  subject: string;
  message: string;
  attributes: Record<string, string>;
}
