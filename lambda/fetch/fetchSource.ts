import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { type Failure, messageOf, SourceError } from '../core/errors.js';
import type { FetchOutcome, Settings, Source, Validators } from '../core/model.js';
import { type AttemptTimeout, attemptTimeout } from './attemptTimeout.js';
import { type HttpClient, sendRequest } from './httpClient.js';
import { readBody } from './readBody.js';
import { decideRetry, parseRetryAfter } from './retryPolicy.js';

/** Redirects followed in one attempt before giving up. */
const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Redirects that say the resource has moved for good, so the source's URL should change. */
const PERMANENT_REDIRECT_STATUSES = new Set([301, 308]);
const ACCEPT = [
  'application/feed+json',
  'application/atom+xml',
  'application/rss+xml',
  'application/xml',
  'text/xml',
  'application/json;q=0.9',
  '*/*;q=0.8',
].join(', ');
const DNS_ERROR_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const TIMEOUT_ERROR_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export interface FetchSourceOptions {
  settings: Pick<Settings, 'timeoutMs' | 'maxBytes' | 'retries'>;
  /** Sent as If-None-Match / If-Modified-Since; a match comes back as `not_modified`. */
  validators?: Validators;
  /** The source's own headers (credentials, Accept…), sent to its origin only, never across a redirect to another. */
  headers?: Record<string, string>;
  /** The run's deadline as a signal: aborting it ends the fetch with `deadline`. */
  signal?: AbortSignal;
  /** Epoch ms; no retry waits past it. */
  deadline?: number;
  /**
   * Resolves when a retry may start, after its backoff; fetchAll uses it to space the requests to
   * one origin. Should resolve early rather than reject when `signal` aborts.
   */
  beforeRetry?: () => Promise<void>;
  /**
   * A bound on bodies in memory: a slot is taken before a body is read (the response waits in
   * its socket meanwhile) and given back here if the attempt then fails; a fetch that succeeds
   * keeps it, for the caller to give back once done with the body.
   */
  bodySlot?: BodySlot;
}

export interface BodySlot {
  /** Rejects with `signal`'s reason if it aborts first. */
  acquire(signal: AbortSignal): Promise<void>;
  release(): void;
}

type Attempt =
  | Omit<Extract<FetchOutcome, { status: 'ok' }>, 'durationMs' | 'attempts'>
  | Omit<Extract<FetchOutcome, { status: 'not_modified' }>, 'durationMs' | 'attempts'>
  | { status: 'failed'; error: SourceError; retryAfterMs?: number; bytes: number };

/**
 * Fetches one source: redirects, conditional GET, decoding, size cap and retries. Never throws;
 * every problem becomes a failed outcome with a FailureCode. The retry loop is ours rather than
 * undici's RetryAgent because only here are the run's deadline and full jitter known.
 */
export async function fetchSource(
  client: HttpClient,
  source: Source,
  options: FetchSourceOptions,
): Promise<FetchOutcome> {
  const started = performance.now();
  // Time spent waiting for room to read a body is the run's, not the source's: left out.
  const ownWaits = { ms: 0 };
  const elapsed = () => Math.round(performance.now() - started - ownWaits.ms);
  let attempts = 0;
  try {
    for (;;) {
      attempts += 1;
      const timeout = attemptTimeout(options.settings.timeoutMs);
      const result = await attemptFetch(client, source.url, options, timeout, ownWaits).finally(timeout.clear);
      if (result.status !== 'failed') return { ...result, durationMs: elapsed(), attempts };

      const decision = decideRetry({
        error: result.error,
        retryAfterMs: result.retryAfterMs,
        attempts,
        retries: options.settings.retries,
        now: Date.now(),
        deadline: options.deadline,
        random: Math.random,
      });
      if (!decision.retry) {
        const error = decision.reason === 'too_late' ? refusedWait(result) : result.error;
        return failedOutcome(error, result.bytes, elapsed(), attempts);
      }
      try {
        await sleep(decision.delayMs, undefined, { signal: options.signal });
        await options.beforeRetry?.();
      } catch {
        return failedOutcome(deadlineError(), result.bytes, elapsed(), attempts);
      }
    }
  } catch (error) {
    const internal = new SourceError('internal', `unexpected error while fetching: ${messageOf(error)}`, {
      cause: error,
    });
    return failedOutcome(internal, 0, elapsed(), attempts);
  }
}

/** What one attempt carries from hop to hop. */
interface AttemptContext {
  client: HttpClient;
  options: FetchSourceOptions;
  /** The attempt's own time limit; paused while it waits for room to read a body. */
  limit: AttemptTimeout;
  /** Aborts on the attempt's limit or the run's deadline. */
  signal: AbortSignal;
  /** The start URL's origin: the only one the source's own headers are sent to. */
  origin: string;
  ownWaits: { ms: number };
}

type Response = Dispatcher.ResponseData;
type FailedAttempt = Extract<Attempt, { status: 'failed' }>;

/** One attempt: the request and every redirect hop, bounded as a whole by `limit`. */
async function attemptFetch(
  client: HttpClient,
  startUrl: string,
  options: FetchSourceOptions,
  limit: AttemptTimeout,
  ownWaits: { ms: number },
): Promise<Attempt> {
  const signal = options.signal ? AbortSignal.any([options.signal, limit.signal]) : limit.signal;
  const attempt: AttemptContext = { client, options, limit, signal, origin: new URL(startUrl).origin, ownWaits };
  let url = new URL(startUrl);
  // Where the source now lives, while every hop so far was permanent: one temporary hop on the
  // way means the start URL is still the one to ask.
  let permanentRedirect: string | undefined;
  for (let redirects = 0; ; redirects += 1) {
    let response: Response;
    try {
      response = await send(attempt, url);
    } catch (error) {
      return failedAttempt(classify(error, url, attempt));
    }
    const { statusCode } = response;
    if (statusCode >= 200 && statusCode < 300) return readSuccess(attempt, url, response, permanentRedirect);

    await response.body.dump().catch(() => undefined);
    if (statusCode === 304) {
      return {
        status: 'not_modified',
        httpStatus: 304,
        finalUrl: url.href,
        ...(permanentRedirect && { permanentRedirect }),
        bytes: 0,
      };
    }
    const next = redirectTarget(url, response, redirects);
    if (!(next instanceof URL)) return next;
    const permanent =
      PERMANENT_REDIRECT_STATUSES.has(statusCode) && (redirects === 0 || permanentRedirect !== undefined);
    permanentRedirect = permanent ? next.href : undefined;
    url = next;
  }
}

/** One hop's request; a refused address literal rejects with `blocked_address`, which classify keeps. */
function send({ client, options, signal, origin }: AttemptContext, url: URL): Promise<Response> {
  return sendRequest(client, url, {
    method: 'GET',
    headers: {
      ...requestHeaders(options.validators),
      // Like browsers with Authorization: a redirect to another origin must not carry credentials.
      ...(url.origin === origin ? lowerCased(options.headers) : {}),
    },
    // `signal` carries this attempt's limit. undici's headersTimeout and bodyTimeout are left
    // at their 300 s defaults: set to timeoutMs, below 1 s they run on the plain clock and
    // would fail a response held up only by a blocked event loop (see attemptTimeout).
    signal,
  });
}

/** A 2xx response's body, read within the size cap once there is room for it in memory. */
async function readSuccess(
  attempt: AttemptContext,
  url: URL,
  response: Response,
  permanentRedirect: string | undefined,
): Promise<Attempt> {
  const { bodySlot, settings } = attempt.options;
  if (bodySlot) {
    const refused = await waitForBodySlot(attempt, bodySlot);
    if (refused) {
      response.body.destroy();
      return failedAttempt(classify(refused.error, url, attempt));
    }
  }
  let handedOver = false;
  try {
    const read = await readBody(response, settings.maxBytes);
    if ('error' in read) {
      const error = withStatus(classify(read.error, url, attempt), response.statusCode);
      return failedAttempt(error, read.bytes);
    }
    const ok: Attempt = {
      status: 'ok',
      httpStatus: response.statusCode,
      body: read.body,
      contentType: headerValue(response.headers['content-type']),
      finalUrl: url.href,
      validators: responseValidators(response.headers),
      ...(permanentRedirect && { permanentRedirect }),
      bytes: read.bytes,
    };
    handedOver = true;
    return ok;
  } finally {
    // An ok attempt hands its body slot to the caller; every other way out, a throw included, gives it back.
    if (!handedOver) bodySlot?.release();
  }
}

/**
 * Waiting for room is our doing, not the server's: the attempt's clock stops meanwhile.
 * @returns why the wait ended without a slot (the run's deadline), or undefined with one taken
 */
async function waitForBodySlot(
  { limit, signal, ownWaits }: AttemptContext,
  slot: BodySlot,
): Promise<{ error: unknown } | undefined> {
  limit.pause();
  const waitStarted = performance.now();
  try {
    await slot.acquire(signal);
    return undefined;
  } catch (error) {
    return { error };
  } finally {
    ownWaits.ms += performance.now() - waitStarted;
    limit.resume();
  }
}

/** Where a response that is neither 2xx nor 304 leads: the next hop's URL, or why the attempt ends. */
function redirectTarget(url: URL, { statusCode, headers }: Response, redirects: number): URL | FailedAttempt {
  const location = headerValue(headers.location);
  if (!REDIRECT_STATUSES.has(statusCode) || location === undefined) {
    const retryAfterMs = parseRetryAfter(headerValue(headers['retry-after']), Date.now());
    return { ...failedAttempt(httpStatusError(statusCode)), retryAfterMs };
  }
  if (redirects === MAX_REDIRECTS) {
    return failedAttempt(
      new SourceError('too_many_redirects', `more than ${MAX_REDIRECTS} redirects, last to ${url.href}`),
    );
  }
  const next = URL.canParse(location, url.href) ? new URL(location, url) : undefined;
  if (next === undefined || (next.protocol !== 'http:' && next.protocol !== 'https:')) {
    return failedAttempt(
      new SourceError('bad_redirect', `redirect from ${url.href} to "${location}", which is not an http(s) URL`),
    );
  }
  return next;
}

/** What went wrong, in the source's terms: the run's deadline, the attempt's limit, DNS or the network. */
function classify(error: unknown, url: URL, { options, limit }: AttemptContext): SourceError {
  if (error instanceof SourceError) return error;
  if (options.signal?.aborted) return deadlineError();
  const code = (error as { code?: unknown } | undefined)?.code;
  if (limit.signal.aborted || TIMEOUT_ERROR_CODES.has(String(code))) {
    const { timeoutMs } = options.settings;
    return new SourceError('timeout', `no complete response from ${url.host} within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  if (DNS_ERROR_CODES.has(String(code))) {
    return new SourceError('dns', `cannot resolve ${url.hostname} (${String(code)})`, { cause: error });
  }
  // Socket, TLS and HTTP parser errors all carry a code; what lacks one is our own bug.
  if (typeof code === 'string') {
    return new SourceError('network', `connection to ${url.host} failed: ${messageOf(error)}`, { cause: error });
  }
  return new SourceError('internal', `unexpected error while fetching ${url.href}: ${messageOf(error)}`, {
    cause: error,
  });
}

function failedAttempt(error: SourceError, bytes = 0): FailedAttempt {
  return { status: 'failed', error, bytes };
}

function requestHeaders(validators: Validators | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    accept: ACCEPT,
    'accept-encoding': 'gzip, deflate, br',
  };
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

function lowerCased(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

function responseValidators(headers: Record<string, string | string[] | undefined>): Validators {
  const etag = headerValue(headers.etag);
  const lastModified = headerValue(headers['last-modified']);
  return { ...(etag && { etag }), ...(lastModified && { lastModified }) };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function httpStatusError(status: number): SourceError {
  const code = status === 429 ? 'rate_limited' : 'http_status';
  return new SourceError(code, `HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd(), { httpStatus: status });
}

/** A 429 or 503 whose Retry-After asks for a wait the run cannot afford counts as rate limiting. */
function refusedWait(result: FailedAttempt): SourceError {
  const status = result.error.httpStatus;
  if (result.retryAfterMs === undefined || (status !== 429 && status !== 503)) return result.error;
  const seconds = Math.ceil(result.retryAfterMs / 1000);
  return new SourceError(
    'rate_limited',
    `${result.error.message}, asked to retry after ${seconds} s; not waiting that long`,
    {
      httpStatus: result.error.httpStatus,
    },
  );
}

function withStatus(error: SourceError, httpStatus: number): SourceError {
  if (error.httpStatus !== undefined) return error;
  return new SourceError(error.code, error.message, { cause: error.cause, httpStatus });
}

function deadlineError(): SourceError {
  return new SourceError('deadline', "aborted: the run's time budget ran out");
}

/** A source that failed before any request: nothing sent, nothing received, no time spent fetching. */
export function unfetched(failure: Failure): FetchOutcome {
  return { status: 'failed', failure, bytes: 0, durationMs: 0, attempts: 0 };
}

function failedOutcome(error: SourceError, bytes: number, durationMs: number, attempts: number): FetchOutcome {
  return {
    status: 'failed',
    ...(error.httpStatus !== undefined && { httpStatus: error.httpStatus }),
    failure: error.toFailure(),
    bytes,
    durationMs,
    attempts,
  };
}
