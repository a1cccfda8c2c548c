import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../lambda/core/errors.js';
import {
  backoffDelay,
  decideRetry,
  parseRetryAfter,
  RETRY_AFTER_LIMIT_MS,
  RETRY_MAX_DELAY_MS,
  type RetryInput,
} from '../../../lambda/fetch/retryPolicy.js';

const now = Date.parse('2025-01-01T00:00:00Z');

function input(error: SourceError, overrides: Partial<RetryInput> = {}): RetryInput {
  return {
    error,
    retryAfterMs: undefined,
    attempts: 1,
    retries: 2,
    now,
    deadline: undefined,
    random: () => 0.5,
    ...overrides,
  };
}

const httpError = (status: number) =>
  new SourceError(status === 429 ? 'rate_limited' : 'http_status', `HTTP ${status}`, { httpStatus: status });

describe('decideRetry', () => {
  it.each([
    ['a network error', new SourceError('network', 'reset')],
    ['a timed-out attempt', new SourceError('timeout', 'slow')],
    [
      'a temporary DNS failure',
      new SourceError('dns', 'again', { cause: Object.assign(new Error(), { code: 'EAI_AGAIN' }) }),
    ],
    ['408', httpError(408)],
    ['429', httpError(429)],
    ['500', httpError(500)],
    ['503', httpError(503)],
  ])('retries %s', (_name, error) => {
    expect(decideRetry(input(error)).retry).toBe(true);
  });

  it.each([
    ['404', httpError(404)],
    ['403', httpError(403)],
    ['an unknown host', new SourceError('dns', 'nx', { cause: Object.assign(new Error(), { code: 'ENOTFOUND' }) })],
    ['a blocked address', new SourceError('blocked_address', 'no')],
    ['a body over the cap', new SourceError('too_large', 'big')],
    ['the run deadline', new SourceError('deadline', 'late')],
  ])('does not retry %s', (_name, error) => {
    expect(decideRetry(input(error))).toEqual({ retry: false, reason: 'not_retryable' });
  });

  it('stops once the further attempts are used up', () => {
    expect(decideRetry(input(httpError(503), { attempts: 3, retries: 2 }))).toEqual({
      retry: false,
      reason: 'exhausted',
    });
  });

  it('waits as long as Retry-After asks', () => {
    expect(decideRetry(input(httpError(429), { retryAfterMs: 3_000 }))).toEqual({ retry: true, delayMs: 3_000 });
  });

  it('gives up instead of waiting past the deadline', () => {
    const decision = decideRetry(input(httpError(429), { retryAfterMs: 3_000, deadline: now + 2_000 }));

    expect(decision).toEqual({ retry: false, reason: 'too_late' });
  });

  it('gives up when Retry-After asks for longer than the limit, even without a deadline', () => {
    const decision = decideRetry(input(httpError(503), { retryAfterMs: RETRY_AFTER_LIMIT_MS + 1 }));

    expect(decision).toEqual({ retry: false, reason: 'too_late' });
  });
});

describe('backoffDelay', () => {
  it('draws from a window that doubles per retry', () => {
    expect([1, 2, 3].map((retry) => backoffDelay(retry, () => 0.999_999))).toEqual([500, 1000, 2000]);
    expect(backoffDelay(3, () => 0)).toBe(0);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelay(30, () => 0.999_999)).toBe(RETRY_MAX_DELAY_MS);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
  });

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
  });

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });

  it.each([undefined, '', 'soon', '-5', '1.5'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
