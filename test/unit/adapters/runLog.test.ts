import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

import { createLogger } from '../../../lambda/adapters/logger.js';
import { logRun } from '../../../lambda/adapters/runLog.js';
import type { LogLevel } from '../../../lambda/core/logLevel.js';
import type { RunReport } from '../../../lambda/core/model.js';
import { sourceOf, theRecordedRunReport } from '../../support/builders/runReports.js';
import { type Json, jsonLinesWrittenBy } from './writtenLines.js';

beforeEach(() => {
  for (const name of ['POWERTOOLS_DEV', 'AWS_LAMBDA_LOG_LEVEL', 'POWERTOOLS_LOGGER_SAMPLE_RATE', 'TZ'])
    vi.stubEnv(name, undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const linesFor = (report: RunReport, level: LogLevel = 'INFO'): Json[] =>
  jsonLinesWrittenBy(() => logRun(createLogger(level), report));
/** A line without what the logger adds itself, to compare the fields the pipeline chose. */
const fieldsOf = ({
  level: _level,
  timestamp: _timestamp,
  service: _service,
  sampling_rate: _rate,
  ...fields
}: Json): Json => fields;

describe('the log of a run', () => {
  test('is one line per source outcome, then one line for the run, all with the run id', () => {
    const report = theRecordedRunReport();
    const lines = linesFor(report);
    expect(lines.map((line) => line.sourceId ?? '(run)')).toEqual(['news', 'blog', 'private', 'dead', '(run)']);
    for (const line of lines) {
      expect(line).toMatchObject({ runId: report.runId, service: 'tributary' });
      expect(typeof line.timestamp).toBe('string');
    }
  });

  test('says what happened to each source in words, as a warning only when it failed', () => {
    expect(
      linesFor(theRecordedRunReport())
        .slice(0, 4)
        .map((line) => [line.level, line.sourceId, line.message]),
    ).toEqual([
      ['INFO', 'news', 'source fetched'],
      ['INFO', 'blog', 'source not modified'],
      ['WARN', 'private', 'source failed'],
      ['INFO', 'dead', 'source skipped: resting after repeated failures'],
    ]);
  });

  test('gives a source exactly its outcome fields: no validators, no body, no item content', () => {
    const report = theRecordedRunReport();
    const news = linesFor(report).find((line) => line.sourceId === 'news')!;
    expect(fieldsOf(news)).toEqual({
      message: 'source fetched',
      runId: report.runId,
      sourceId: 'news',
      status: 'ok',
      url: 'https://news.example.com/rss',
      httpStatus: 200,
      items: 30,
      newItems: 3,
      bytes: 18000,
      durationMs: 812,
      attempts: 1,
      failureStreak: 0,
    });
  });

  test('gives a failed source its error code and message, and a resting one its next attempt', () => {
    const lines = linesFor(theRecordedRunReport());
    expect(lines.find((line) => line.sourceId === 'private')).toMatchObject({
      errorCode: 'http_status',
      error: 'HTTP 503 Service Unavailable after a redirect from https://feeds.example.com/private.xml',
      httpStatus: 503,
      attempts: 3,
      failureStreak: 2,
    });
    expect(lines.find((line) => line.sourceId === 'dead')).toMatchObject({
      nextAttemptAt: '2025-03-01T16:00:00.000Z',
      failureStreak: 6,
    });
  });

  test('never shows credentials or query strings from a source URL, its error or where it moved', () => {
    const report = theRecordedRunReport();
    const privateSource = sourceOf(report, 'failed');
    privateSource.movedTo = 'https://reader:hunter2@new.example.com/feed?token=s3cr3t';
    const written = JSON.stringify(linesFor(report));
    expect(written).not.toContain('hunter2');
    expect(written).not.toContain('s3cr3t');
    expect(linesFor(report).find((line) => line.sourceId === 'private')).toMatchObject({
      url: 'https://feeds.example.com/private.xml',
      movedTo: 'https://new.example.com/feed',
    });
  });

  test('ends with the run: status, timing and its phases, and counts, as a warning when partial', () => {
    const report = theRecordedRunReport();
    const run = linesFor(report).at(-1)!;
    expect(run.level).toBe('WARN');
    expect(fieldsOf(run)).toEqual({
      message: 'run finished',
      runId: report.runId,
      status: 'partial',
      dryRun: false,
      startedAt: '2025-03-01T10:00:00.000Z',
      finishedAt: '2025-03-01T10:00:04.250Z',
      durationMs: 4250,
      timings: { setupMs: 35, fetchMs: 4030, tailMs: 185 },
      counts: report.counts,
    });
  });

  test('logs an ok run as info and a failed run as an error', () => {
    expect(linesFor(theRecordedRunReport({ status: 'ok' })).at(-1)!.level).toBe('INFO');
    expect(linesFor(theRecordedRunReport({ status: 'failed' })).at(-1)!.level).toBe('ERROR');
  });

  test('at level WARN keeps only the failed source and the partial run', () => {
    expect(linesFor(theRecordedRunReport(), 'WARN').map((line) => line.sourceId ?? '(run)')).toEqual([
      'private',
      '(run)',
    ]);
  });
});
