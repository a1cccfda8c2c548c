import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderStore } from '../../../lambda/adapters/folderStore.js';
import { NotifyError } from '../../../lambda/core/errors.js';
import type {
  FeedIdentity,
  Notification,
  RunReport,
  Settings,
  Source,
  SourcesFile,
} from '../../../lambda/core/model.js';
import { DEFAULT_SETTINGS } from '../../../lambda/core/sourcesFileSchema.js';
import { parseNetworkPolicy } from '../../../lambda/fetch/networkPolicy.js';
import type { RunRequest } from '../../../lambda/input/event.js';
import type { Notifier } from '../../../lambda/run/notifier.js';
import type { PipelineDependencies } from '../../../lambda/run/pipelineDependencies.js';
import { runPipeline } from '../../../lambda/run/runPipeline.js';

/** Keeps what would have gone to SNS; can be told to fail like an unreachable topic. */
export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  failing = false;
  /** Called when the run asks the notifier to load its client. */
  prepare?: () => void;

  async publish(notification: Notification): Promise<void> {
    if (this.failing) throw new NotifyError('SNS is down');
    this.sent.push(notification);
  }
}

export interface RunOptions {
  sources?: Source[];
  settings?: Partial<Settings>;
  /** The sources file's `feed` object. */
  feed?: FeedIdentity;
  /** Fetching time before the run's deadline. @default 60 s */
  budgetMs?: number;
  /** Time the invocation has after the fetch deadline. @default 10 s */
  afterFetchMs?: number;
  dependencies?: Partial<PipelineDependencies>;
}

/** The real pipeline over a fresh temporary output folder, loopback sources allowed. */
export interface PipelineHarness {
  outDir: string;
  store: FolderStore;
  notifier: RecordingNotifier;
  run(request?: Partial<RunRequest>, options?: RunOptions): Promise<RunReport>;
  feedJson(): Promise<{ items: Array<{ id: string; title: string; url?: string; _source: { id: string } }> }>;
  report(runId: string): Promise<RunReport>;
}

export async function createPipelineHarness(defaults: {
  sources: () => Source[];
  settings?: Partial<Settings>;
  feed?: FeedIdentity;
}): Promise<PipelineHarness> {
  const outDir = await mkdtemp(join(tmpdir(), 'tributary-pipeline-'));
  const store = new FolderStore(outDir);
  const notifier = new RecordingNotifier();
  const readJson = async (key: string) => JSON.parse(await readFile(join(outDir, key), 'utf8'));

  return {
    outDir,
    store,
    notifier,
    run(request = {}, options = {}) {
      const sourcesFile: SourcesFile = {
        settings: { ...DEFAULT_SETTINGS, retries: 0, timeoutMs: 5000, ...defaults.settings, ...options.settings },
        feed: options.feed ?? defaults.feed,
        sources: options.sources ?? defaults.sources(),
      };
      const now = Date.now();
      const budget = options.budgetMs ?? 60_000;
      return runPipeline(
        {
          sourcesFile,
          request: { dryRun: false, force: false, ...request },
          fetchDeadline: now + budget,
          hardDeadline: now + budget + (options.afterFetchMs ?? 10_000),
        },
        { store, notifier, networkPolicy: parseNetworkPolicy('127.0.0.0/8'), ...options.dependencies },
      );
    },
    feedJson: () => readJson('feed.json'),
    report: (runId) => readJson(`runs/${runId}.json`),
  };
}

export const source = (id: string, url: string): Source => ({ id, url, type: 'feed' });
