// The checks `npm run smoke` makes against a deployed stack. Each check answers with one line: what
// it found, and when something is wrong, what to do about it. The AWS clients are passed in, so a
// test runs the same checks against an emulator.
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetTopicAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Cron } from 'croner';
import type { Summary } from '../lambda/core/model.js';
import { OUTPUT_CONTENT_TYPES, OUTPUT_KEYS } from '../lambda/core/storageLayout.js';

export interface SmokeClients {
  cloudformation: CloudFormationClient;
  s3: S3Client;
  sns: SNSClient;
  cloudwatch: CloudWatchClient;
  sqs: SQSClient;
  scheduler: SchedulerClient;
  /** Invokes the function synchronously with `payload` and returns what it answered. */
  invoke(functionName: string, payload: unknown): Promise<{ functionError?: string; payload: string }>;
}

export interface SmokeOptions {
  stack: string;
  /** Latest outputs older than this fail. @default twice the time between two scheduled runs */
  maxAgeMinutes?: number;
  /** @default the current time */
  now?: Date;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found. */
  detail: string;
  /** What to do about it, when not ok. */
  fix?: string;
}

/** The stack outputs the checks need; a stack deployed before they existed is told to redeploy. */
const NEEDED_OUTPUTS = [
  'FunctionName',
  'BucketName',
  'FeedJsonKey',
  'TopicArn',
  'AlarmTopicArn',
  'ScheduleName',
  'FailureQueueUrl',
  'ScheduleDeadLetterQueueUrl',
] as const;
type Outputs = Record<(typeof NEEDED_OUTPUTS)[number], string>;

const MINUTE = 60_000;
const RATE = /^rate\((\d+) (minute|hour|day)s?\)$/;
const RATE_MINUTES = { minute: 1, hour: 60, day: 24 * 60 } as const;
const CRON = /^cron\((.+)\)$/;
/** The highest value of each field of an AWS cron expression, for `5/15` (which croner spells `5-59/15`). */
const CRON_FIELD_MAX = [59, 23, 31, 12, 7, 2199];

/** Runs every check in order, stopping after the stack's outputs when they cannot be read. */
export async function runSmokeChecks(clients: SmokeClients, options: SmokeOptions): Promise<CheckResult[]> {
  const now = options.now ?? new Date();
  const stack = await stackOutputs(clients, options.stack);
  if (!stack.outputs) return [stack.result];
  const outputs = stack.outputs;
  const schedule = await scheduleCheck(clients, outputs.ScheduleName, now);
  const maxAgeMinutes = options.maxAgeMinutes ?? 2 * (schedule.periodMinutes ?? 60);
  const prefix = outputs.FeedJsonKey.slice(0, -OUTPUT_KEYS.feedJson.length);
  return [
    stack.result,
    await dryRunCheck(clients, outputs.FunctionName),
    ...(await Promise.all(
      (Object.keys(OUTPUT_KEYS) as (keyof typeof OUTPUT_KEYS)[]).map((output) =>
        latestOutputCheck(clients, outputs.BucketName, `${prefix}${OUTPUT_KEYS[output]}`, output, maxAgeMinutes, now),
      ),
    )),
    await topicCheck(clients, outputs.TopicArn),
    await alarmsCheck(clients, outputs.AlarmTopicArn),
    schedule.result,
    await queueCheck(clients, 'on-failure queue', outputs.FailureQueueUrl, 'invocations failed after all retries'),
    await queueCheck(
      clients,
      'schedule dead-letter queue',
      outputs.ScheduleDeadLetterQueueUrl,
      'scheduled runs could not be started',
    ),
  ];
}

/** One line per check: `✓ name: detail` or `✗ name: detail → fix`. */
export function formatCheck(check: CheckResult): string {
  return check.ok ? `✓ ${check.name}: ${check.detail}` : `✗ ${check.name}: ${check.detail} → ${check.fix}`;
}

async function stackOutputs(
  clients: SmokeClients,
  stackName: string,
): Promise<{ result: CheckResult; outputs?: Outputs }> {
  const name = 'stack outputs';
  let found: { OutputKey?: string; OutputValue?: string }[];
  try {
    const { Stacks } = await clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    found = Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    return {
      result: {
        name,
        ok: false,
        detail: `cannot read stack ${stackName}: ${messageOf(error)}`,
        fix: 'deploy it with `npx cdk deploy`, or name the deployed stack with --stack and its region with AWS_REGION',
      },
    };
  }
  const values = Object.fromEntries(found.map((output) => [output.OutputKey, output.OutputValue]));
  const missing = NEEDED_OUTPUTS.filter((key) => !values[key]);
  if (missing.length > 0) {
    return {
      result: {
        name,
        ok: false,
        detail: `stack ${stackName} lacks the outputs ${missing.join(', ')}`,
        fix: 'redeploy it with this version of Tributary (`npx cdk deploy`), which adds them',
      },
    };
  }
  return {
    result: { name, ok: true, detail: `${stackName}: function ${values.FunctionName}, bucket ${values.BucketName}` },
    outputs: values as Outputs,
  };
}

async function dryRunCheck(clients: SmokeClients, functionName: string): Promise<CheckResult> {
  const name = 'dry run';
  const logs = `its log group /aws/lambda/${functionName}`;
  let answer: { functionError?: string; payload: string };
  try {
    answer = await clients.invoke(functionName, { dryRun: true });
  } catch (error) {
    return {
      name,
      ok: false,
      detail: `could not invoke ${functionName}: ${messageOf(error)}`,
      fix: 'check your credentials may call lambda:InvokeFunction on it, and that it exists',
    };
  }
  if (answer.functionError) {
    return {
      name,
      ok: false,
      detail: `the function threw: ${errorMessageOf(answer.payload)}`,
      fix: `read the error above and ${logs}; a bad sources file or environment names the field at fault`,
    };
  }
  let summary: Summary;
  try {
    summary = JSON.parse(answer.payload);
  } catch {
    return {
      name,
      ok: false,
      detail: `the function answered something that is not a run summary: ${answer.payload.slice(0, 200)}`,
      fix: 'redeploy with `npx cdk deploy` so the function runs this version of the bundle',
    };
  }
  const { counts } = summary;
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const detail =
    `${summary.status}, ${counts.sources} sources, ${counts.failed} failed, ` + `${counts.items} items, ${seconds} s`;
  if (summary.status === 'failed') {
    return {
      name,
      ok: false,
      detail,
      fix:
        `every source failed: the function cannot reach the feeds (network or DNS from Lambda?); ` +
        `the summary's failures and ${logs} say why per source`,
    };
  }
  return { name, ok: true, detail };
}

async function latestOutputCheck(
  clients: SmokeClients,
  bucket: string,
  key: string,
  output: keyof typeof OUTPUT_KEYS,
  maxAgeMinutes: number,
  now: Date,
): Promise<CheckResult> {
  const name = key;
  const fullRun = 'start a full run (the InvokeCommand output without dryRun), or wait for the schedule';
  let head: { ContentType?: string; ContentLength?: number; LastModified?: Date };
  try {
    head = await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return status === 404
      ? { name, ok: false, detail: `not in s3://${bucket}: no run has published yet`, fix: fullRun }
      : {
          name,
          ok: false,
          detail: `cannot read s3://${bucket}/${key}: ${messageOf(error)}`,
          fix: 'check your credentials may call s3:GetObject on the bucket',
        };
  }
  const expected = OUTPUT_CONTENT_TYPES[output];
  if (head.ContentType !== expected) {
    return {
      name,
      ok: false,
      detail: `served as ${head.ContentType ?? 'no content type'}, not ${expected}`,
      fix: `something other than Tributary wrote it; ${fullRun} to rewrite it`,
    };
  }
  if (!head.ContentLength) {
    return {
      name,
      ok: false,
      detail: 'empty',
      fix: `something other than Tributary wrote it; ${fullRun} to rewrite it`,
    };
  }
  const ageMinutes = head.LastModified
    ? (now.getTime() - head.LastModified.getTime()) / MINUTE
    : Number.POSITIVE_INFINITY;
  const detail = `${expected}, ${head.ContentLength} bytes, written ${formatMinutes(ageMinutes)} ago`;
  if (ageMinutes > maxAgeMinutes) {
    return {
      name,
      ok: false,
      detail: `${detail}, more than ${formatMinutes(maxAgeMinutes)}`,
      fix: 'no run has published since: see the alarms below, the dashboard (DashboardUrl) and the function log',
    };
  }
  return { name, ok: true, detail };
}

async function topicCheck(clients: SmokeClients, topicArn: string): Promise<CheckResult> {
  const name = 'run topic';
  try {
    const { Attributes = {} } = await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    const confirmed = Number(Attributes.SubscriptionsConfirmed ?? 0);
    const pending = Number(Attributes.SubscriptionsPending ?? 0);
    const pendingNote =
      pending > 0 ? `, ${pending} awaiting confirmation (each address must click the link it was sent)` : '';
    return { name, ok: true, detail: `${confirmed} confirmed subscriptions${pendingNote}` };
  } catch (error) {
    return {
      name,
      ok: false,
      detail: `cannot read ${topicArn}: ${messageOf(error)}`,
      fix: 'redeploy with `npx cdk deploy`: the topic is part of the stack',
    };
  }
}

async function alarmsCheck(clients: SmokeClients, alarmTopicArn: string): Promise<CheckResult> {
  const name = 'alarms';
  // Every alarm of the stack notifies the alarm topic, which names them without a list to keep in step.
  const { MetricAlarms = [] } = await clients.cloudwatch.send(
    new DescribeAlarmsCommand({ ActionPrefix: alarmTopicArn }),
  );
  if (MetricAlarms.length === 0) {
    return {
      name,
      ok: false,
      detail: `no alarm notifies ${alarmTopicArn}`,
      fix: 'redeploy with `npx cdk deploy`: the alarms are part of the stack',
    };
  }
  const firing = MetricAlarms.filter((alarm) => alarm.StateValue === 'ALARM').map((alarm) => alarm.AlarmName);
  const waiting = MetricAlarms.filter((alarm) => alarm.StateValue === 'INSUFFICIENT_DATA').length;
  if (firing.length > 0) {
    return {
      name,
      ok: false,
      detail: `${firing.length} of ${MetricAlarms.length} in ALARM: ${firing.join(', ')}`,
      fix:
        "each alarm's description says what it means and what to do; " +
        'the dashboard (DashboardUrl) shows them together',
    };
  }
  const waitingNote = waiting > 0 ? ` (${waiting} without data yet)` : '';
  return { name, ok: true, detail: `${MetricAlarms.length} alarms, none in ALARM${waitingNote}` };
}

async function scheduleCheck(
  clients: SmokeClients,
  scheduleName: string,
  now: Date,
): Promise<{ result: CheckResult; periodMinutes?: number }> {
  const name = 'schedule';
  let schedule: {
    State?: string;
    ScheduleExpression?: string;
    ScheduleExpressionTimezone?: string;
    CreationDate?: Date;
  };
  try {
    schedule = await clients.scheduler.send(new GetScheduleCommand({ Name: scheduleName }));
  } catch (error) {
    return {
      result: {
        name,
        ok: false,
        detail: `cannot read schedule ${scheduleName}: ${messageOf(error)}`,
        fix: 'redeploy with `npx cdk deploy`: the schedule is part of the stack',
      },
    };
  }
  const expression = schedule.ScheduleExpression ?? '';
  const timeZone = schedule.ScheduleExpressionTimezone ?? 'UTC';
  const next = nextRuns(expression, timeZone, schedule.CreationDate ?? now, now);
  const periodMinutes = next ? (next[1].getTime() - next[0].getTime()) / MINUTE : undefined;
  const when = next ? `next run ${next[0].toISOString()}` : 'next run unknown';
  if (schedule.State !== 'ENABLED') {
    return {
      result: {
        name,
        ok: false,
        detail: `${expression} is ${schedule.State ?? 'in no state'}: no scheduled runs`,
        fix: `enable it: aws scheduler update-schedule (with its current settings and --state ENABLED), or redeploy`,
      },
      periodMinutes,
    };
  }
  return { result: { name, ok: true, detail: `${expression} (${timeZone}), ${when}` }, periodMinutes };
}

/**
 * The next two runs after `now`. A rate schedule without a start date counts its periods from when
 * it was created; a cron one is evaluated in its time zone.
 */
export function nextRuns(expression: string, timeZone: string, createdAt: Date, now: Date): [Date, Date] | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const period = Number(rate[1]) * RATE_MINUTES[rate[2] as keyof typeof RATE_MINUTES] * MINUTE;
    const first = createdAt.getTime() + Math.max(1, Math.ceil((now.getTime() - createdAt.getTime()) / period)) * period;
    return [new Date(first), new Date(first + period)];
  }
  const cron = CRON.exec(expression);
  if (!cron) return undefined;
  // croner reads seconds first and `N/step` only as a range; AWS's weekdays count from Sunday = 1.
  const fields = cron[1]!
    .trim()
    .split(/\s+/)
    .map((field, i) => field.replace(/^(\d+)\/(\d+)$/, `$1-${CRON_FIELD_MAX[i]}/$2`));
  const job = new Cron(`0 ${fields.join(' ')}`, { timezone: timeZone, paused: true, alternativeWeekdays: true });
  const [first, second] = job.nextRuns(2, now);
  return first && second ? [first, second] : undefined;
}

async function queueCheck(clients: SmokeClients, name: string, queueUrl: string, what: string): Promise<CheckResult> {
  const { Attributes = {} } = await clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const waiting =
    Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  if (waiting > 0) {
    return {
      name,
      ok: false,
      detail: `${waiting} messages: ${what}`,
      fix:
        `read them with \`aws sqs receive-message --queue-url ${queueUrl} --max-number-of-messages 10\` ` +
        '(each names the event and the error), then purge the queue',
    };
  }
  return { name, ok: true, detail: 'empty' };
}

function formatMinutes(minutes: number): string {
  if (!Number.isFinite(minutes)) return 'an unknown time';
  if (minutes < 90) return `${Math.round(minutes)} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/** Lambda's error payload: `{"errorType", "errorMessage", …}`. */
function errorMessageOf(payload: string): string {
  try {
    const { errorType, errorMessage } = JSON.parse(payload);
    return `${errorType ?? 'Error'}: ${errorMessage ?? payload}`;
  } catch {
    return payload.slice(0, 300);
  }
}
