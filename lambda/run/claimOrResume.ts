import { RunInProgressError } from '../core/errors.js';
import type { RunReport } from '../core/model.js';
import { announceRun } from './announceRun.js';
import type { PublishDependencies } from './pipelineDependencies.js';
import { claimRun } from './runClaim.js';

/**
 * Claims the run id for this invocation, or finishes what an earlier invocation of the same run
 * left undone (only the notification can be) and returns that run's report.
 * @returns undefined when this invocation owns the run and must do it
 * @throws RunInProgressError when an earlier invocation holds the claim and may still be running
 */
export async function claimOrResume(
  runId: string,
  startedAt: number,
  expiresAt: number,
  dependencies: PublishDependencies,
): Promise<RunReport | undefined> {
  const claim = await claimRun(dependencies.store, runId, startedAt, expiresAt);
  switch (claim.kind) {
    case 'claimed':
      return undefined;
    case 'busy':
      throw new RunInProgressError(runId, claim.claimedAt, claim.expiresAt);
    case 'published':
      return claim.report;
    case 'unpublished':
      return announceRun(claim.report, claim.newItems, dependencies);
  }
}
