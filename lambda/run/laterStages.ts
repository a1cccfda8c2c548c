import { loadedOnce, prefetch } from '../core/loadedOnce.js';

/**
 * What a run needs only once its first responses arrive (processing: the parsers, sanitize-html,
 * re2js) and once fetching is over (rendering and publishing) is bundled as chunks of their own.
 * They load while the run's first requests are in flight rather than at cold start, when nothing
 * else can happen (BENCHMARKS.md, "Lean and fast").
 */
export const processStage = loadedOnce(() => import('../process/processSource.js'));
export const publishStage = loadedOnce(() => import('./publishRun.js'));

/** Starts loading both: whoever needs a stage awaits it, and sees there any failure to load it. */
export function startLoadingLaterStages(): void {
  prefetch(processStage);
  prefetch(publishStage);
}
