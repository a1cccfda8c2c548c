import { describe, expect, it } from 'vitest';
import type { SourceReport, SourceStatus } from '../../../lambda/core/model.js';
import { runStatus } from '../../../lambda/run/summary.js';

const lines = (...statuses: SourceStatus[]): SourceReport[] =>
  statuses.map((status, index) => ({
    id: `s${index}`,
    url: `https://s${index}.example/feed`,
    status,
    httpStatus: null,
    items: 0,
    newItems: 0,
    bytes: 0,
    durationMs: 0,
    attempts: 0,
    failureStreak: 0,
  }));

describe('run status', () => {
  it.each([
    ['every source fetched', lines('ok', 'ok'), 'ok'],
    ['every source unchanged', lines('not_modified', 'not_modified'), 'ok'],
    ['some failed', lines('ok', 'failed'), 'partial'],
    ['every tried source failed', lines('failed', 'failed'), 'failed'],
    ['every tried source failed, others resting', lines('failed', 'skipped'), 'failed'],
    ['one fetched, others resting', lines('ok', 'skipped'), 'ok'],
    ['every source resting: nothing was tried, nothing failed', lines('skipped', 'skipped'), 'ok'],
  ] as const)('%s → %s', (_case, reports, status) => {
    expect(runStatus(reports)).toBe(status);
  });
});
