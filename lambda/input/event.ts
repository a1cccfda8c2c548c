import * as z from 'zod';
import { didYouMean } from '../core/closestMatch.js';
import { InvalidInputError } from '../core/errors.js';
import type { Source, SourcesFile } from '../core/model.js';
import { parseOrThrow } from './inputProblems.js';

/** What one invocation was asked to do, whatever shape the event came in. */
export interface RunRequest {
  /** Set for scheduled runs: the schedule's time, which names the run so a retried delivery is the same run. */
  scheduledTime?: string;
  /** Only these source ids; all when absent. */
  only?: string[];
  dryRun: boolean;
  force: boolean;
}

// EventBridge rules and Scheduler targets send more keys than we read (id, account, region,
// resources, detail...); we only need to recognise the shape and take its time.
const scheduledEventSchema = z.looseObject({
  'detail-type': z.literal('Scheduled Event'),
  time: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
});

const adHocEventSchema = z.strictObject({
  sources: z
    .array(z.string({ error: 'must be a source id (string)' }), { error: 'must be a list of source ids' })
    .min(1, { error: 'must name at least one source (leave it out to run all)' })
    .optional(),
  dryRun: z.boolean({ error: 'must be true or false' }).default(false),
  force: z.boolean({ error: 'must be true or false' }).default(false),
});

/** Accepts `{}`, an EventBridge / Scheduler "Scheduled Event", or an ad hoc console event. */
export function parseEvent(event: unknown): RunRequest {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new InvalidInputError(
      'event',
      'event',
      'must be a JSON object such as {} or {"sources": ["id"], "dryRun": true}',
    );
  }
  if ('detail-type' in event) {
    const { time } = parseOrThrow(scheduledEventSchema, event, 'event', 'event');
    return { scheduledTime: new Date(time).toISOString(), dryRun: false, force: false };
  }
  const { sources, dryRun, force } = parseOrThrow(adHocEventSchema, event, 'event', 'event');
  return { only: sources, dryRun, force };
}

/** Valid ids listed in an unknown-id error: enough to spot the intended one, short enough to read. */
const VALID_IDS_LISTED = 20;

/**
 * Checked once the sources file is known, still before any request is made. Every unknown id is
 * named, with the id it was probably meant to be, and the valid ids; `field` is what the user
 * typed them into (`event.sources`, or the CLI's `--only`).
 */
export function assertKnownSources(request: RunRequest, knownIds: readonly string[], field = 'event.sources'): void {
  const known = new Set(knownIds);
  const unknown = [...new Set(request.only?.filter((id) => !known.has(id)))];
  if (unknown.length === 0) return;
  const named = unknown.map((id) => `"${id}"${didYouMean(id, knownIds)}`).join(', ');
  const listed = knownIds.slice(0, VALID_IDS_LISTED).join(', ');
  const more = knownIds.length > VALID_IDS_LISTED ? `, … (${knownIds.length} in all)` : '';
  throw new InvalidInputError(
    'event',
    field,
    `unknown source id${unknown.length === 1 ? '' : 's'} ${named}; valid ids: ${listed}${more}`,
  );
}

/** Whether the run names its sources (an ad hoc run's `sources`) rather than running them all. */
export function namesSources(request: Pick<RunRequest, 'only'>): boolean {
  return request.only !== undefined;
}

/** The sources a run is about, in sources-file order: those it names, or all. */
export function selectedSources(sourcesFile: SourcesFile, request: Pick<RunRequest, 'only'>): Source[] {
  const { only } = request;
  return only ? sourcesFile.sources.filter((source) => only.includes(source.id)) : sourcesFile.sources;
}
