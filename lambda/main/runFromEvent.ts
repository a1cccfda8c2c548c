import type { RunReport } from '../core/model.js';
import { deadlineForFetching } from '../core/timeBudget.js';
import { type RunRequestFields, readRunRequest, type S3ObjectReader } from '../input/readSources.js';
import type { PipelineDependencies } from '../run/pipelineDependencies.js';
import { runPipeline } from '../run/runPipeline.js';

/** What an entry point plugs into a run: where the sources come from, how long it has, its edges. */
export interface RunWiring {
  /** `s3://bucket/key` or a path; undefined: the sources file bundled at build time. */
  sourcesUri: string | undefined;
  readS3: S3ObjectReader;
  /** What the user calls the event's source ids and the sources URI, for errors. @default the Lambda's names */
  fields?: RunRequestFields;
  /** Where the outputs are served publicly (PUBLIC_BASE_URL). @default the sources file's feed.baseUrl */
  publicBaseUrl?: string;
  /** From now until this invocation is gone, in ms: the Lambda's remaining time, or the CLI's budget. */
  budgetMs: number;
  /** Names this delivery across its retries (see PipelineInput). @default none */
  invocationId?: string;
  dependencies: PipelineDependencies;
}

/** One run from an event, the same for the Lambda handler and the CLI: request and sources read, then the run. */
export async function runFromEvent(event: unknown, wiring: RunWiring): Promise<RunReport> {
  const startedAt = Date.now();
  const hardDeadline = startedAt + wiring.budgetMs;
  const { request, sourcesFile } = await readRunRequest(
    event,
    wiring.sourcesUri,
    wiring.readS3,
    wiring.fields,
    wiring.publicBaseUrl,
  );
  return runPipeline(
    {
      sourcesFile,
      request,
      fetchDeadline: deadlineForFetching(startedAt, hardDeadline),
      hardDeadline,
      invocationId: wiring.invocationId,
    },
    wiring.dependencies,
  );
}
