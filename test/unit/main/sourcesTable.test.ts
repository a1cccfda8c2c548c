import { describe, expect, it } from 'vitest';
import type { SourceReport } from '../../../lambda/core/model.js';
import { formatSourcesTable } from '../../../lambda/main/sourcesTable.js';

const line = (overrides: Partial<SourceReport>): SourceReport => ({
  id: 'hn',
  url: 'https://news.ycombinator.com/rss',
  status: 'ok',
  httpStatus: 200,
  items: 30,
  newItems: 4,
  bytes: 12_000,
  durationMs: 412,
  attempts: 1,
  failureStreak: 0,
  ...overrides,
});

describe('the CLI table of sources', () => {
  const sources = [
    line({}),
    line({
      id: 'lwn',
      status: 'failed',
      httpStatus: 503,
      items: 0,
      newItems: 0,
      durationMs: 10_012,
      error: 'HTTP 503 Service Unavailable',
    }),
    line({
      id: 'old-blog',
      status: 'skipped',
      httpStatus: null,
      items: 0,
      newItems: 0,
      durationMs: 0,
      nextAttemptAt: '2026-11-26T07:00:00.000Z',
    }),
  ];

  it('aligns the columns, numbers to the right', () => {
    expect(formatSourcesTable(sources, { color: false }).split('\n')).toEqual([
      'source    status   http  items  new     ms  error',
      'hn        ok        200     30    4    412',
      'lwn       failed    503      0    0  10012  HTTP 503 Service Unavailable',
      'old-blog  skipped     -      0    0      0  resting until 2026-11-26T07:00:00.000Z',
    ]);
  });

  it('colours each row by status only when asked', () => {
    const coloured = formatSourcesTable(sources, { color: true }).split('\n');

    expect(coloured[1]).toMatch(/^\x1b\[32mhn .*\x1b\[0m$/);
    expect(coloured[2]).toMatch(/^\x1b\[31mlwn /);
    expect(coloured[3]).toMatch(/^\x1b\[33mold-blog /);
    expect(formatSourcesTable(sources, { color: false })).not.toContain('\x1b[');
  });
});
