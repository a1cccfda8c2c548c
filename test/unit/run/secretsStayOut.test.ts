import { describe, expect, it } from 'vitest';

import type { FetchOutcome, Source } from '../../../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../../../lambda/core/sourcesFileSchema.js';
import { processSource } from '../../../lambda/process/processSource.js';
import { resolveHeaders } from '../../../lambda/run/resolveHeaders.js';
import { SecretCache } from '../../../lambda/run/secretCache.js';
import { headOf, summarize } from '../../../lambda/run/summary.js';
import { readFixture } from '../../support/fixtures.js';
import { fakeParameterStore } from './secretFakes.js';

const SECRETS = {
  '/tributary/github-token': 'ghp_NEVER-IN-OUTPUT-1',
  '/tributary/bad-token': 'NEVER-IN-OUTPUT-2\nX-Evil: 1',
};
const NOW = Date.parse('2024-05-10T00:00:00Z');

const sources: Source[] = [
  {
    id: 'releases',
    url: 'https://api.github.com/repos/acme/widget/releases',
    type: 'json',
    items: '$[*]',
    fields: { id: 'tag_name', url: 'html_url', title: 'name' },
    headers: { Authorization: { fromSsm: '/tributary/github-token' } },
  },
  {
    id: 'broken',
    url: 'https://broken.example/feed',
    type: 'feed',
    headers: { Authorization: { fromSsm: '/tributary/bad-token' } },
  },
  {
    id: 'missing',
    url: 'https://missing.example/feed',
    type: 'feed',
    headers: { 'X-Api-Key': { fromSecret: 'prod/gone' } },
  },
];

const fetched = (body: Buffer, url: string): FetchOutcome => ({
  status: 'ok',
  httpStatus: 200,
  body,
  contentType: 'application/json',
  finalUrl: url,
  validators: {},
  bytes: body.length,
  durationMs: 5,
  attempts: 1,
});

describe('secret header values', () => {
  // Whether a fetched source's secret could leak into outputs is tested end to end, where the
  // request is really sent (integration/sourceKinds); here, the errors of secrets that cannot be used.
  it(
    'resolve where they can, and never reach the report, the summary or the state through the errors of those ' +
      'that cannot',
    async () => {
      // Prepare: what the orchestrator does: resolve, fail the sources without their secrets, settle the rest
      const resolved = await resolveHeaders(sources, new SecretCache(fakeParameterStore(SECRETS).read));
      const settled = sources.map((source) => {
        const failure = resolved.failures.get(source.id);
        const outcome: FetchOutcome = failure
          ? { status: 'failed', failure, bytes: 0, durationMs: 0, attempts: 0 }
          : fetched(readFixture('sources/github-releases.json'), source.url);
        return processSource(source, outcome, undefined, DEFAULT_SETTINGS, NOW);
      });

      // Act
      const report = summarize({
        runId: 'run-1',
        dryRun: false,
        startedAt: NOW,
        finishedAt: NOW + 10,
        fetchPhase: { startedAt: NOW, endedAt: NOW + 10 },
        reports: settled.map((result) => result.report),
        publishedItems: 3,
        outputs: {
          feedJson: 'feed.json',
          feedXml: 'feed.xml',
          html: 'index.html',
          status: 'status.html',
          report: 'runs/run-1.json',
        },
      });
      const written = [
        JSON.stringify(report),
        JSON.stringify(headOf(report)),
        JSON.stringify(settled.map((result) => result.state)),
      ].join('\n');

      // Assess
      expect(resolved.headers.get('releases')).toEqual({ Authorization: SECRETS['/tributary/github-token'] });
      expect(report.failures).toEqual([
        {
          id: 'broken',
          url: 'https://broken.example/feed',
          code: 'secret_unavailable',
          error:
            'header "Authorization": SSM parameter "/tributary/bad-token" holds a line break, which a header value ' +
            'cannot',
        },
        {
          id: 'missing',
          url: 'https://missing.example/feed',
          code: 'secret_unavailable',
          error: 'header "X-Api-Key": Secrets Manager secret "prod/gone" not found',
        },
      ]);
      expect(written).not.toContain('NEVER-IN-OUTPUT');
    },
  );
});
