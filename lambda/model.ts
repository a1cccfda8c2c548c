// The shapes that flow through the pipeline. Field names of Item follow JSON Feed 1.1 so the
// renderers map them one to one and the public outputs read the same as the code.

export type SourceType = 'feed';

export interface Source {
  id: string;
  url: string;
  type: SourceType;
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
  | 'too_many_redirects'
  | 'bad_redirect'
  | 'unsupported_format'
  | 'malformed'
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
      bytes: number;
      durationMs: number;
      attempts: number;
    }
  | {
      status: 'not_modified';
      httpStatus: 304;
      finalUrl: string;
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

export type SourceStatus = 'ok' | 'not_modified' | 'failed';

/** One line of the run report per source. */
export interface SourceReport {
  id: string;
  url: string;
  status: SourceStatus;
  httpStatus: number | null;
  items: number;
  newItems: number;
  bytes: number;
  durationMs: number;
  attempts: number;
  error?: string;
  errorCode?: FailureCode;
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
    items: number;
    newItems: number;
  };
  outputs: {
    feedJson: string;
    feedXml: string;
    html: string;
    report: string;
  };
  failures: { id: string; url: string; error: string; code: FailureCode }[];
}

export interface RunReport extends Summary {
  sources: SourceReport[];
}
