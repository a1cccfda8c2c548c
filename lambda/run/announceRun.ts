import type { Item, RunReport } from '../core/model.js';
import { buildNotification } from '../render/runNotification.js';
import type { PublishDependencies } from './pipelineDependencies.js';
import { markPublished } from './runClaim.js';
import { headOf } from './summary.js';

/**
 * The run's one notification, sent once its outputs are safe. A failure here fails the invocation
 * after the outputs are written; a retry finds the report and sends only the notification.
 */
export async function announceRun(
  report: RunReport,
  newItems: Item[],
  dependencies: PublishDependencies,
): Promise<RunReport> {
  const now = dependencies.now ?? Date.now;
  await dependencies.notifier.publish(buildNotification(headOf(report), newItems));
  await markPublished(dependencies.store, report.runId, now());
  return report;
}
