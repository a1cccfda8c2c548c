import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConsoleNotifier } from '../adapters/consoleNotifier.js';
import { FolderStore } from '../adapters/folderStore.js';
import { InvalidInputError, TributaryError } from '../core/errors.js';
import type { RunReport } from '../core/model.js';
import { parseNetworkPolicy } from '../fetch/networkPolicy.js';
import type { Progress } from '../run/pipelineDependencies.js';
import { headOf } from '../run/summary.js';
import { ssmSecretCache } from './awsClients.js';
import { importOpml } from './importOpml.js';
import { runFromEvent } from './runFromEvent.js';
import { formatSourcesTable } from './sourcesTable.js';

/** A local run gets the longest budget a Lambda can have, so it behaves like one. */
const LOCAL_BUDGET_MS = 15 * 60 * 1000; // 15 min

const USAGE = `Usage: tributary [--sources FILE] [--out DIR] [--only id,id] [--dry-run] [--force]
       tributary import-opml FILE

Runs the pipeline once and writes feed.json, feed.xml, index.html and runs/<runId>.json to DIR.
  --sources FILE  sources file (default: the bundled lambda/input/sources.json)
  --out DIR       output folder (default: ./out)
  --only ids      only these source ids, comma-separated
  --dry-run       fetch and transform, write and notify nothing
  --force         ignore cached validators (refetch everything)
  import-opml     print a sources file made from an OPML subscription list
Environment: ALLOW_PRIVATE_NETWORKS (see docs/cli.md); header secrets are read from SSM with the
AWS SDK's usual credentials and region.`;

export interface CliOptions {
  sources?: string;
  out: string;
  only?: string[];
  dryRun: boolean;
  force: boolean;
}

function parseCliArgs(args: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      sources: { type: 'string' },
      out: { type: 'string', default: 'out' },
      only: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  return {
    sources: values.sources,
    out: values.out,
    only: values.only
      ?.split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    dryRun: values['dry-run'],
    force: values.force,
  };
}

/** Runs the pipeline into a folder: the same code path as the Lambda, with local edges. */
export async function runLocally(options: CliOptions, env: NodeJS.ProcessEnv = process.env): Promise<RunReport> {
  return runFromEvent(
    { sources: options.only, dryRun: options.dryRun, force: options.force },
    {
      sourcesUri: options.sources,
      readS3: async () => {
        throw new InvalidInputError('config', '--sources', 'an s3:// URI needs the Lambda environment; pass a file');
      },
      budgetMs: LOCAL_BUDGET_MS,
      dependencies: {
        store: new FolderStore(options.out),
        notifier: new ConsoleNotifier(),
        networkPolicy: parseNetworkPolicy(env.ALLOW_PRIVATE_NETWORKS),
        // SSM is only asked when a source's headers reference a secret.
        secrets: ssmSecretCache(),
        onProgress: process.stderr.isTTY ? showProgress : undefined,
        onWarning: (message) => console.error(`warning: ${message}`),
      },
    },
  );
}

function showProgress({ done, total, failed }: Progress): void {
  process.stderr.write(`\r${done}/${total} sources done, ${failed} failed`);
  if (done === total) process.stderr.write('\n');
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'import-opml') {
    process.exitCode = await importOpml(rest, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    });
    return;
  }
  let options: CliOptions | 'help';
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  try {
    const report = await runLocally(options);
    // People at a terminal get the table; scripts reading stdout get the summary JSON either way.
    if (process.stderr.isTTY)
      console.error(`${formatSourcesTable(report.sources, { color: !process.env.NO_COLOR })}\n`);
    console.log(JSON.stringify(headOf(report), null, 2));
    if (report.status === 'failed') process.exitCode = 1;
  } catch (error) {
    console.error(error instanceof TributaryError ? `tributary: ${error.message}` : error);
    process.exitCode = 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
