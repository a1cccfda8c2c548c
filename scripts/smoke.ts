// `npm run smoke -- --stack Tributary`: checks a deployed stack works, one line per check with what
// to do when it fails; exits 1 when any check fails. Uses the AWS credentials and region of the shell.
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { quietSdkNodeNotice } from '../lambda/main/cli.js';
import { formatCheck, runSmokeChecks, type SmokeClients } from './smokeChecks.js';

const USAGE = 'usage: npm run smoke -- --stack <stack name> [--max-age-minutes <n>]';

const { values } = parseArgs({
  options: {
    stack: { type: 'string', default: 'Tributary' },
    'max-age-minutes': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const maxAge = values['max-age-minutes'];
if (maxAge !== undefined && !(Number(maxAge) > 0)) {
  console.error(`--max-age-minutes: must be a positive number of minutes, got ${JSON.stringify(maxAge)}\n${USAGE}`);
  process.exit(2);
}

quietSdkNodeNotice();
const lambda = new LambdaClient({});
const clients: SmokeClients = {
  cloudformation: new CloudFormationClient({}),
  s3: new S3Client({}),
  sns: new SNSClient({}),
  cloudwatch: new CloudWatchClient({}),
  sqs: new SQSClient({}),
  scheduler: new SchedulerClient({}),
  async invoke(functionName, payload) {
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
    );
    return { functionError: answer.FunctionError, payload: new TextDecoder().decode(answer.Payload) };
  },
};

const checks = await runSmokeChecks(clients, {
  stack: values.stack,
  maxAgeMinutes: maxAge === undefined ? undefined : Number(maxAge),
});
for (const check of checks) console.log(formatCheck(check));
const failed = checks.filter((check) => !check.ok).length;
console.log(failed === 0 ? `${checks.length} checks passed` : `${failed} of ${checks.length} checks failed`);
process.exitCode = failed === 0 ? 0 : 1;
