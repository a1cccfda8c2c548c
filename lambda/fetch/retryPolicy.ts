import type { SourceError } from '../core/errors.js';

/** Backoff before the first retry is drawn from 0 – 500 ms and doubles for each retry after it. */
export const RETRY_BASE_DELAY_MS = 500; // 0.5 s
/** Upper bound of the backoff window, however many retries came before. */
export const RETRY_MAX_DELAY_MS = 10_000; // 10 s
/** A server asking to wait longer than this is treated as refusing for this run. */
export const RETRY_AFTER_LIMIT_MS = 60_000; // 1 min

export type RetryDecision =
  | { retry: true; delayMs: number }
  /** `too_late`: waiting would pass the run's deadline or the Retry-After limit. */
  | { retry: false; reason: 'not_retryable' | 'exhausted' | 'too_late' };

export interface RetryInput {
  /** The failure of the attempt just made. */
  error: SourceError;
  /** The server's Retry-After, in ms from now, when it sent one. */
  retryAfterMs: number | undefined;
  /** Attempts made so far, including the one that just failed. */
  attempts: number;
  /** Further attempts allowed after the first. */
  retries: number;
  /** Epoch ms now and, when the run has one, the deadline no wait may pass. */
  now: number;
  deadline: number | undefined;
  /** Uniform in [0, 1). */
  random: () => number;
}

/** Whether to try a source again after a failed attempt, and after how long. */
export function decideRetry(input: RetryInput): RetryDecision {
  if (!isRetryable(input.error)) return { retry: false, reason: 'not_retryable' };
  if (input.attempts > input.retries) return { retry: false, reason: 'exhausted' };
  const delayMs = input.retryAfterMs ?? backoffDelay(input.attempts, input.random);
  if (delayMs > RETRY_AFTER_LIMIT_MS) return { retry: false, reason: 'too_late' };
  if (input.deadline !== undefined && input.now + delayMs >= input.deadline)
    return { retry: false, reason: 'too_late' };
  return { retry: true, delayMs };
}

/** Network trouble, a timed-out attempt, 408, 429 and 5xx may pass; other failures would repeat. */
function isRetryable(error: SourceError): boolean {
  switch (error.code) {
    case 'network':
    case 'timeout':
    case 'rate_limited':
      return true;
    case 'dns':
      return (error.cause as { code?: unknown } | undefined)?.code === 'EAI_AGAIN';
    case 'http_status': {
      const status = error.httpStatus ?? 0;
      return status === 408 || status >= 500;
    }
    default:
      return false;
  }
}

/** "Full jitter": uniform in [0, min(cap, base · 2^(retry − 1))], so retrying clients spread out. */
export function backoffDelay(retry: number, random: () => number): number {
  const window = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** (retry - 1));
  return Math.round(random() * window);
}

/** Retry-After as ms from `now`: either delta seconds (`120`) or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP date format starts with a day name; Date.parse alone would accept "-5" or "1.5".
  const date = /^[a-z]{3}/i.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
