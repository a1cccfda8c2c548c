// `npm run invoke -- --event '{"dryRun":true}'`: the built bundle's handler, called as Lambda
// calls it (a fresh node process, a fake context, only Lambda's environment), against S3 and SNS
// emulated by moto_server on loopback, or with --aws against the account the caller's environment
// names. What the end-to-end tests do, for a person checking a build before deploying it.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { quietSdkNodeNotice } from '../lambda/main/cli.js';
import { type Invocation, invokeBundle, prepareBundle } from './bundleInvoker.js';
import { createMotoBucket, lambdaEnvironment, MOTO_CREDENTIALS, MOTO_REGION, startMotoServer } from './motoServer.js';

const USAGE = `Usage: npm run invoke -- [--event JSON] [--sources FILE] [--timeout-seconds N] [--aws]

Calls dist/lambda/index.mjs's handler (npm run build first) with EVENT (default {}) and a fake
Lambda context, in a separate node process with only Lambda's environment. Prints the handler's
result as JSON on stdout; what the run wrote, on stderr.
  --event JSON         the event, e.g. '{"dryRun":true}' or '{"sources":["hn"]}'
  --sources FILE       the sources file, uploaded to the emulated bucket (default: $SOURCES_URI,
                       else the sources file embedded in the bundle)
  --timeout-seconds N  the time the context says is left (default 300, the stack's default)
  --aws                use the real account of the caller's environment (credentials, AWS_REGION,
                       OUTPUT_BUCKET, TOPIC_ARN, SOURCES_URI, …) instead of moto_server: it writes
                       and publishes for real unless the event says dryRun`;

const BUNDLE = fileURLToPath(new URL('../dist/lambda/index.mjs', import.meta.url));
const BUCKET = 'tributary-local';
const SOURCES_KEY = 'config/sources.json';

const { values } = parseArgs({
  options: {
    event: { type: 'string', default: '{}' },
    sources: { type: 'string' },
    'timeout-seconds': { type: 'string', default: '300' },
    aws: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

/** Exit 2 with a message naming the flag, as the CLI does. */
function usageError(message: string): never {
  console.error(`invoke: ${message}\nRun with --help for the options.`);
  process.exit(2);
}

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
let event: unknown;
try {
  event = JSON.parse(values.event);
} catch (error) {
  usageError(`--event: not JSON: ${(error as Error).message}`);
}
const timeoutSeconds = Number(values['timeout-seconds']);
if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 900) {
  usageError(`--timeout-seconds: must be a whole number of seconds from 1 to 900, not "${values['timeout-seconds']}"`);
}
if (!existsSync(BUNDLE)) usageError(`${BUNDLE} not found: run \`npm run build\` first`);

// This process builds SDK clients for the emulator, and the deployed function runs on a Node the
// SDK never warns about: its notice for an older local Node would only be noise here.
quietSdkNodeNotice();
const sourcesFile = values.sources ?? (process.env.SOURCES_URI || undefined);
const folder = await prepareBundle();
try {
  const invocation = values.aws ? await invokeInAccount() : await invokeAgainstMoto();
  // The function's own log lines are JSON on stdout; what else reaches stderr (a warning, a
  // crash) is for the person running this.
  const otherStderr = invocation.stderr
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('{'))
    .join('\n');
  if (otherStderr) console.error(`The function's stderr:\n${otherStderr}`);
  if (invocation.error) {
    const { type, code, message } = invocation.error;
    console.error(`The handler threw ${type}${code ? ` (${code})` : ''}: ${message}`);
    process.exitCode = 1;
  } else {
    console.log(JSON.stringify(invocation.result, null, 2));
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}

async function invokeInAccount(): Promise<Invocation> {
  const env: Record<string, string> = {};
  quietSdkNodeNotice(env);
  if (values.sources) env.SOURCES_URI = values.sources;
  const invocation = await invokeBundle(folder, event, env, { remainingMs: timeoutSeconds * 1000, asCaller: true });
  const outputs = Object.values((invocation.result?.outputs as Record<string, string> | undefined) ?? {});
  console.error(outputs.length ? `Wrote ${outputs.join(', ')}` : 'Nothing written.');
  return invocation;
}

async function invokeAgainstMoto(): Promise<Invocation> {
  const moto = await startMotoServer();
  try {
    const clientConfig = { region: MOTO_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
    const bucket = await createMotoBucket(moto, BUCKET);
    const { TopicArn } = await new SNSClient(clientConfig).send(new CreateTopicCommand({ Name: 'tributary-runs' }));
    if (sourcesFile?.startsWith('s3://')) usageError(`--sources: ${sourcesFile} is not in the emulator; pass a file`);
    if (sourcesFile) {
      const body = await readFile(sourcesFile, 'utf8').catch((error: Error) =>
        usageError(`--sources: cannot read ${sourcesFile}: ${error.message}`),
      );
      await bucket.put(SOURCES_KEY, body);
    }
    console.error(
      `moto_server on ${moto.endpoint}: bucket ${BUCKET}, topic ${TopicArn}, sources ` +
        (sourcesFile ? `${sourcesFile} (as s3://${BUCKET}/${SOURCES_KEY})` : 'embedded in the bundle'),
    );
    const env = lambdaEnvironment(moto, {
      bucket: BUCKET,
      prefix: '',
      sourcesKey: sourcesFile ? SOURCES_KEY : undefined,
      topicArn: TopicArn,
    });
    quietSdkNodeNotice(env);
    const invocation = await invokeBundle(folder, event, env, { remainingMs: timeoutSeconds * 1000 });
    const written = [];
    for await (const { Contents = [] } of paginateListObjectsV2({ client: bucket.s3 }, { Bucket: BUCKET })) {
      written.push(...Contents.filter(({ Key }) => Key !== SOURCES_KEY));
    }
    console.error(
      written.length === 0
        ? 'Nothing written to the bucket.'
        : `Wrote to s3://${BUCKET}/:\n${written.map(({ Key, Size }) => `  ${Key} (${Size} bytes)`).join('\n')}`,
    );
    return invocation;
  } finally {
    await moto.stop();
  }
}
