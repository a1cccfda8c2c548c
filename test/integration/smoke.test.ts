import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateScheduleCommand, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, PurgeQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { OUTPUT_CONTENT_TYPES, OUTPUT_KEYS } from '../../lambda/core/storageLayout.js';
import { MOTO_CREDENTIALS, MOTO_REGION, type MotoServer, startMotoServer } from '../../scripts/motoServer.js';
import {
  type CheckResult,
  formatCheck,
  nextRuns,
  runSmokeChecks,
  type SmokeClients,
} from '../../scripts/smokeChecks.js';

// moto runs the stack's S3, SNS, CloudWatch, SQS, Scheduler and CloudFormation outputs; it cannot run the
// function, so the invoke is a stand-in answering as the function does.
const STACK = 'Tributary';
const FUNCTION = 'Tributary-PipelineFunction';
const PREFIX = 'site/';
const SCHEDULE = 'TributarySchedule';
const NOW = new Date();
const OK_SUMMARY = {
  runId: 'dry-run',
  status: 'ok',
  dryRun: true,
  durationMs: 4200,
  counts: { sources: 3, ok: 3, notModified: 0, failed: 0, skipped: 0, items: 42, newItems: 0, bytes: 1000 },
  failures: [],
};

let moto: MotoServer;
let clients: SmokeClients;
let invokeAnswer: { functionError?: string; payload: string };
let invokedWith: unknown[];
let queues: { failure: string; deadLetter: string };
let alarmNames: string[];
let bucket: string;

function client<T>(Client: new (config: object) => T): T {
  return new Client({
    endpoint: moto.endpoint,
    region: MOTO_REGION,
    credentials: MOTO_CREDENTIALS,
    forcePathStyle: true,
  });
}

beforeAll(async () => {
  moto = await startMotoServer();
  clients = {
    cloudformation: client(CloudFormationClient),
    s3: client(S3Client),
    sns: client(SNSClient),
    cloudwatch: client(CloudWatchClient),
    sqs: client(SQSClient),
    scheduler: client(SchedulerClient),
    async invoke(functionName, payload) {
      invokedWith.push({ functionName, payload });
      return invokeAnswer;
    },
  };
  bucket = 'tributary-output';
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const { TopicArn: topicArn } = await clients.sns.send(new CreateTopicCommand({ Name: 'runs' }));
  const { TopicArn: alarmTopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: 'alarms' }));
  const failure = (await clients.sqs.send(new CreateQueueCommand({ QueueName: 'failures' }))).QueueUrl!;
  const deadLetter = (await clients.sqs.send(new CreateQueueCommand({ QueueName: 'undelivered' }))).QueueUrl!;
  queues = { failure, deadLetter };
  alarmNames = ['Tributary-FunctionErrors', 'Tributary-NoSuccessfulRun'];
  for (const AlarmName of alarmNames) {
    await clients.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName,
        AlarmActions: [alarmTopicArn!],
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
  }
  await clients.scheduler.send(
    new CreateScheduleCommand({
      Name: SCHEDULE,
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: `arn:aws:lambda:${MOTO_REGION}:123456789012:function:${FUNCTION}`, RoleArn: ROLE_ARN },
    }),
  );
  // The outputs the deployed stack gives, as literal values: moto only has to hand them back.
  const outputs = {
    FunctionName: FUNCTION,
    BucketName: bucket,
    FeedJsonKey: `${PREFIX}${OUTPUT_KEYS.feedJson}`,
    TopicArn: topicArn,
    AlarmTopicArn: alarmTopicArn,
    ScheduleName: SCHEDULE,
    FailureQueueUrl: failure,
    ScheduleDeadLetterQueueUrl: deadLetter,
  };
  await clients.cloudformation.send(
    new CreateStackCommand({
      StackName: STACK,
      TemplateBody: JSON.stringify({
        Resources: { Placeholder: { Type: 'AWS::SNS::Topic' } },
        Outputs: Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { Value: value }])),
      }),
    }),
  );
});

afterAll(async () => {
  await moto?.stop();
});

const ROLE_ARN = 'arn:aws:iam::123456789012:role/scheduler';

/** A healthy deployment: fresh outputs of the right types, no alarm firing, empty queues, the schedule on. */
beforeEach(async () => {
  invokeAnswer = { payload: JSON.stringify(OK_SUMMARY) };
  invokedWith = [];
  for (const output of Object.keys(OUTPUT_KEYS) as (keyof typeof OUTPUT_KEYS)[]) {
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${PREFIX}${OUTPUT_KEYS[output]}`,
        Body: `the ${output} output`,
        ContentType: OUTPUT_CONTENT_TYPES[output],
      }),
    );
  }
  for (const AlarmName of alarmNames) {
    await clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName, StateValue: 'OK', StateReason: 'test' }));
  }
  for (const QueueUrl of Object.values(queues)) await clients.sqs.send(new PurgeQueueCommand({ QueueUrl }));
  await setScheduleState('ENABLED');
});

async function setScheduleState(State: 'ENABLED' | 'DISABLED') {
  await clients.scheduler.send(
    new UpdateScheduleCommand({
      Name: SCHEDULE,
      State,
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: `arn:aws:lambda:${MOTO_REGION}:123456789012:function:${FUNCTION}`, RoleArn: ROLE_ARN },
    }),
  );
}

const smoke = (options: { now?: Date; stack?: string } = {}) =>
  runSmokeChecks(clients, { stack: options.stack ?? STACK, now: options.now ?? NOW });

/** The one failed check, and that every other check still passed. */
function onlyFailure(checks: CheckResult[]): CheckResult {
  const failed = checks.filter((check) => !check.ok);
  expect(failed.map(formatCheck)).toHaveLength(1);
  return failed[0]!;
}

describe('npm run smoke against a deployment', () => {
  test('passes every check of a healthy deployment, with a dry run of the function', async () => {
    const checks = await smoke();
    expect(checks.filter((check) => !check.ok).map(formatCheck)).toEqual([]);
    expect(checks.map((check) => check.name)).toEqual([
      'stack outputs',
      'dry run',
      `${PREFIX}feed.json`,
      `${PREFIX}feed.xml`,
      `${PREFIX}index.html`,
      `${PREFIX}status.html`,
      'run topic',
      'alarms',
      'schedule',
      'on-failure queue',
      'schedule dead-letter queue',
    ]);
    expect(invokedWith).toEqual([{ functionName: FUNCTION, payload: { dryRun: true } }]);
    expect(formatCheck(checks[1]!)).toBe('✓ dry run: ok, 3 sources, 0 failed, 42 items, 4.2 s');
    expect(checks.find((check) => check.name === 'alarms')!.detail).toBe('2 alarms, none in ALARM');
  });

  test('a stack that does not exist: says so and how to name the right one, and checks nothing else', async () => {
    const checks = await smoke({ stack: 'NoSuchStack' });
    expect(checks).toHaveLength(1);
    expect(formatCheck(checks[0]!)).toMatch(
      new RegExp(
        '^✗ stack outputs: cannot read stack NoSuchStack: .+ → ' +
          'deploy it with `npx cdk deploy`, or name the deployed stack with --stack',
      ),
    );
  });

  test('a function that throws: its error and where its log is', async () => {
    invokeAnswer = {
      functionError: 'Unhandled',
      payload: JSON.stringify({
        errorType: 'InvalidInputError',
        errorMessage: 'sources[3].url: must be http or https',
      }),
    };
    expect(formatCheck(onlyFailure(await smoke()))).toBe(
      '✗ dry run: the function threw: InvalidInputError: sources[3].url: must be http or https → ' +
        `read the error above and its log group /aws/lambda/${FUNCTION}; ` +
        'a bad sources file or environment names the field at fault',
    );
  });

  test('a dry run in which every source failed: the function cannot reach the feeds', async () => {
    invokeAnswer = {
      payload: JSON.stringify({ ...OK_SUMMARY, status: 'failed', counts: { ...OK_SUMMARY.counts, ok: 0, failed: 3 } }),
    };
    expect(formatCheck(onlyFailure(await smoke()))).toMatch(
      /^✗ dry run: failed, 3 sources, 3 failed, .+ → every source failed: the function cannot reach the feeds/,
    );
  });

  test('no published feed yet: start a full run', async () => {
    await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${PREFIX}feed.json` }));
    expect(formatCheck(onlyFailure(await smoke()))).toBe(
      `✗ ${PREFIX}feed.json: not in s3://${bucket}: no run has published yet → start a full run ` +
        '(the InvokeCommand output without dryRun), or wait for the schedule',
    );
  });

  test('an output with the wrong content type: something else wrote it', async () => {
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${PREFIX}feed.xml`, Body: '<feed/>', ContentType: 'text/xml' }),
    );
    expect(formatCheck(onlyFailure(await smoke()))).toMatch(
      new RegExp(
        '^✗ site/feed\\.xml: served as text/xml, not application/atom\\+xml → ' +
          'something other than Tributary wrote it',
      ),
    );
  });

  test('an empty output', async () => {
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${PREFIX}index.html`,
        Body: '',
        ContentType: OUTPUT_CONTENT_TYPES.html,
      }),
    );
    expect(formatCheck(onlyFailure(await smoke()))).toMatch(/^✗ site\/index\.html: empty → /);
  });

  test('outputs older than two schedule periods: no run has published since', async () => {
    const checks = await smoke({ now: new Date(NOW.getTime() + 3 * 60 * 60_000) });
    const stale = checks.filter((check) => !check.ok);
    expect(stale.map((check) => check.name)).toEqual([
      `${PREFIX}feed.json`,
      `${PREFIX}feed.xml`,
      `${PREFIX}index.html`,
      `${PREFIX}status.html`,
    ]);
    expect(formatCheck(stale[0]!)).toMatch(
      new RegExp(
        '^✗ site/feed\\.json: application/feed\\+json, \\d+ bytes, written 3\\.0 h ago, more than 2\\.0 h → ' +
          'no run has published since: see the alarms',
      ),
    );
  });

  test('an alarm in ALARM: names it and points at its description and the dashboard', async () => {
    await clients.cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: alarmNames[1], StateValue: 'ALARM', StateReason: 'test' }),
    );
    expect(formatCheck(onlyFailure(await smoke()))).toBe(
      '✗ alarms: 1 of 2 in ALARM: Tributary-NoSuccessfulRun → ' +
        "each alarm's description says what it means and what to do; " +
        'the dashboard (DashboardUrl) shows them together',
    );
  });

  test('a disabled schedule: no scheduled runs, and how to enable it', async () => {
    await setScheduleState('DISABLED');
    expect(formatCheck(onlyFailure(await smoke()))).toMatch(
      /^✗ schedule: rate\(1 hour\) is DISABLED: no scheduled runs → enable it/,
    );
  });

  test('a failed invocation in the on-failure queue: how to read it', async () => {
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queues.failure, MessageBody: '{"requestContext":{}}' }));
    expect(formatCheck(onlyFailure(await smoke()))).toBe(
      `✗ on-failure queue: 1 messages: invocations failed after all retries → read them with ` +
        `\`aws sqs receive-message --queue-url ${queues.failure} --max-number-of-messages 10\` ` +
        '(each names the event and the error), then purge the queue',
    );
  });

  test('an undelivered scheduled event in the schedule dead-letter queue', async () => {
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queues.deadLetter, MessageBody: '{}' }));
    expect(formatCheck(onlyFailure(await smoke()))).toMatch(
      /^✗ schedule dead-letter queue: 1 messages: scheduled runs could not be started → read them with/,
    );
  });
});

describe("the schedule's next runs", () => {
  const now = new Date('2026-12-03T09:20:00Z');

  test('a rate counts whole periods from the schedule’s creation', () => {
    expect(nextRuns('rate(1 hour)', 'UTC', new Date('2026-12-01T08:05:00Z'), now)).toEqual([
      new Date('2026-12-03T10:05:00Z'),
      new Date('2026-12-03T11:05:00Z'),
    ]);
  });

  test('a cron is read as AWS writes it: minutes first, weekdays from Sunday = 1, N/step, in its time zone', () => {
    expect(nextRuns('cron(0 6 * * ? *)', 'Europe/Berlin', now, now)).toEqual([
      new Date('2026-12-04T05:00:00Z'),
      new Date('2026-12-05T05:00:00Z'),
    ]);
    // 2026-12-07 is a Monday.
    expect(nextRuns('cron(0 6 ? * 2 *)', 'UTC', now, now)?.[0]).toEqual(new Date('2026-12-07T06:00:00Z'));
    expect(nextRuns('cron(5/15 * * * ? *)', 'UTC', now, now)).toEqual([
      new Date('2026-12-03T09:35:00Z'),
      new Date('2026-12-03T09:50:00Z'),
    ]);
  });
});
