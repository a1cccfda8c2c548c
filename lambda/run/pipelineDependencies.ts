import type { RunReport } from '../core/model.js';
import type { NetworkPolicy } from '../fetch/networkPolicy.js';
import type { Notifier } from './notifier.js';
import type { SecretCache } from './secretCache.js';
import type { Store } from './store.js';

/** The ports a run is plugged into, and the hooks it reports through. */
export interface PipelineDependencies {
  store: Store;
  notifier: Notifier;
  networkPolicy: NetworkPolicy;
  /** Where header secrets are read from, cached across warm invocations. @default none: such sources fail */
  secrets?: SecretCache;
  /** The only clock the pipeline reads, so tests can pin it. */
  now?: () => number;
  onProgress?: (progress: Progress) => void;
  onWarning?: (message: string) => void;
  /**
   * Once per fresh run, for logs and metrics: a dry run after summarising, a real run once the
   * report, outputs and state are written, before notifying. Never for a retried delivery of a
   * run already done, so nothing is counted twice.
   */
  onReport?: (report: RunReport) => void;
}

/** What writing and announcing a run needs; fetching needs the rest of PipelineDependencies. */
export type PublishDependencies = Pick<PipelineDependencies, 'store' | 'notifier' | 'now' | 'onReport' | 'onWarning'>;

export interface Progress {
  done: number;
  total: number;
  failed: number;
}
