import * as z from 'zod';
import type { Source } from '../core/model.js';
import { SHARDS_FOLDER } from '../core/storageLayout.js';
import { parseOrThrow } from '../input/inputProblems.js';
import { validateSourcesFile } from '../input/sourcesFile.js';
import type { MapFailure } from './mergeShards.js';
import type { ShardJob } from './shardFolder.js';

// What the state machine sends each step. The steps trust nothing they did not check: a hand-made
// execution input or an edited definition fails here, naming the field, before any request.

/** The root of a folder shardFolder() made, as the later steps receive it. */
const shardFolderRoot = z
  .string()
  .regex(new RegExp(`^${SHARDS_FOLDER}.+/$`), { error: `must be a shard folder under ${SHARDS_FOLDER}` });

const startEventSchema = z.looseObject({
  /** The execution's own input: a Scheduled Event or an ad hoc event of the public contract. */
  event: z.unknown(),
  execution: z.strictObject({
    id: z.string().min(1).optional(),
    startTime: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
    timeoutSeconds: z.number().int().positive(),
    mergeReserveSeconds: z.number().int().nonnegative(),
  }),
});

const jobSchema = z.strictObject({
  runId: z.string().min(1),
  folder: shardFolderRoot,
  startedAt: z.number().int(),
  fetchDeadline: z.number().int(),
  force: z.boolean(),
  named: z.boolean(),
  dryRun: z.boolean(),
  stateShards: z.number().int().positive(),
  settings: z.unknown(),
});

const batchEventSchema = z.looseObject({
  Items: z.array(z.unknown()).min(1, { error: 'must hold at least one source' }),
  BatchInput: z.looseObject({ job: jobSchema }),
});

const mergeEventSchema = z.looseObject({
  folder: z.object({
    root: shardFolderRoot,
  }),
  mapError: z.looseObject({ Error: z.string(), Cause: z.string().optional() }).optional(),
});

export interface StartEvent {
  event: unknown;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms. */
  executionDeadline: number;
  mergeReserveMs: number;
  executionId?: string;
}

export function parseStartEvent(input: unknown): StartEvent {
  const { event, execution } = parseOrThrow(startEventSchema, input, 'event', 'event');
  const startedAt = Date.parse(execution.startTime);
  return {
    event,
    startedAt,
    executionDeadline: startedAt + execution.timeoutSeconds * 1000,
    mergeReserveMs: execution.mergeReserveSeconds * 1000,
    executionId: execution.id,
  };
}

/** A batch is a slice of the sources file, so it is checked as one, settings included. */
export function parseBatchEvent(input: unknown): { sources: Source[]; job: ShardJob } {
  const { Items, BatchInput } = parseOrThrow(batchEventSchema, input, 'event', 'event');
  const { settings, sources } = validateSourcesFile(
    { settings: BatchInput.job.settings, sources: Items },
    'the batch input',
  );
  return { sources, job: { ...BatchInput.job, settings } };
}

export function parseMergeEvent(input: unknown): { root: string; mapFailure?: MapFailure } {
  const { folder, mapError } = parseOrThrow(mergeEventSchema, input, 'event', 'event');
  return { root: folder.root, mapFailure: mapError && { error: mapError.Error, cause: mapError.Cause } };
}
