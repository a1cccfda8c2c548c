import { describe, expect, it } from 'vitest';
import type { Item, Summary } from '../../../lambda/core/model.js';
import { buildNotification, subjectOf } from '../../../lambda/render/runNotification.js';

function summary(overrides: Partial<Summary> = {}): Summary {
  return {
    runId: '20261126T050000Z-scheduled',
    status: 'partial',
    dryRun: false,
    startedAt: '2026-11-26T05:00:00.000Z',
    finishedAt: '2026-11-26T05:00:04.000Z',
    durationMs: 4000,
    timings: { setupMs: 30, fetchMs: 3800, tailMs: 170 },
    counts: { sources: 40, ok: 36, notModified: 2, failed: 2, skipped: 0, items: 112, newItems: 9, bytes: 1_234_567 },
    outputs: {
      feedJson: 's3://b/feed.json',
      feedXml: 's3://b/feed.xml',
      html: 's3://b/index.html',
      status: 's3://b/status.html',
      report: 's3://b/runs/x.json',
    },
    failures: [
      { id: 'a', url: 'https://a.example/', error: 'HTTP 500 Internal Server Error', code: 'http_status' },
      { id: 'b', url: 'https://b.example/', error: 'timeout after 10000 ms', code: 'timeout' },
    ],
    moved: [],
    ...overrides,
  };
}

const item = (n: number): Item => ({
  id: `https://x.example/${n}`,
  url: `https://x.example/${n}`,
  title: `Item ${n}`,
  sourceId: 'x',
});

describe('run notification', () => {
  it('says how many sources are healthy and how many items there are, in a short subject', () => {
    expect(subjectOf(summary())).toBe('Tributary: 38/40 sources ok, 112 items, 9 new');
  });

  it('carries the status as a message attribute subscribers can filter on', () => {
    expect(buildNotification(summary({ status: 'failed' }), []).attributes).toEqual({ status: 'failed' });
  });

  it('sends the summary as the message, with the first 20 new items', () => {
    const message = JSON.parse(
      buildNotification(
        summary(),
        Array.from({ length: 30 }, (_, n) => item(n)),
      ).message,
    );

    expect(message.runId).toBe('20261126T050000Z-scheduled');
    expect(message.failures).toHaveLength(2);
    expect(message.newItems).toHaveLength(20);
    expect(message.newItems[0]).toEqual({ title: 'Item 0', url: 'https://x.example/0', sourceId: 'x' });
  });

  it('stays under the SNS size limit by cutting long failure lists and saying how many were cut', () => {
    const failures = Array.from({ length: 5000 }, (_, n) => ({
      id: `source-${n}`,
      url: `https://s${n}.example/feed`,
      error: 'connection reset by peer '.repeat(4),
      code: 'network' as const,
    }));
    const hugeTitle = { ...item(1), title: 'T'.repeat(1_000_000) };

    const { message } = buildNotification(summary({ failures }), [hugeTitle]);
    const parsed = JSON.parse(message);

    expect(Buffer.byteLength(message)).toBeLessThan(256 * 1024);
    expect(parsed.failures.length + parsed.failuresOmitted).toBe(5000);
    expect(parsed.failuresOmitted).toBeGreaterThan(0);
  });

  it('keeps the subject within 100 printable ASCII characters', () => {
    const subject = subjectOf(
      summary({
        counts: {
          sources: 1e15,
          ok: 1e15,
          notModified: 1e15,
          failed: 0,
          skipped: 0,
          items: 1e15,
          newItems: 1e15,
          bytes: 1e15,
        },
      }),
    );

    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('run notification against hostile items', () => {
  it('stays under the SNS size limit when new items carry megabyte URLs and ids', () => {
    const hostile = Array.from({ length: 20 }, (_, n) => ({
      id: `https://x.example/${'i'.repeat(300_000)}/${n}`,
      url: `https://x.example/${'u'.repeat(1_000_000)}/${n}`,
      sourceId: 'x',
    }));

    const { message } = buildNotification(summary({ failures: [] }), hostile);

    expect(Buffer.byteLength(message)).toBeLessThan(256 * 1024);
    expect(JSON.parse(message).runId).toBe('20261126T050000Z-scheduled');
  });
});
