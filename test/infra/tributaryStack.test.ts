import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { TEST_EVENT_REGISTRY } from '../../infra/consoleTestEvents.js';
import { InvalidInputError } from '../../lambda/core/errors.js';
import {
  assertDeniesWithoutTls,
  fixture,
  type Json,
  logicalId,
  resourcesOf,
  roleStatements,
  type SynthesizedTributary,
  synthMode,
  synthTributary,
} from './synthTributary.js';

let byDefault: SynthesizedTributary;
let custom: SynthesizedTributary;
/** Headers naming SSM parameters and Secrets Manager secrets, some twice, beside a plain header. */
let withSecrets: SynthesizedTributary;

beforeAll(() => {
  byDefault = synthMode('default');
  custom = synthMode('everyOption');
  withSecrets = synthTributary({ sourcesFile: fixture('sources-with-secrets.json') });
});

const ids = (s: SynthesizedTributary) => ({
  fn: logicalId(s, s.stack.pipeline.function),
  logGroup: logicalId(s, s.stack.pipeline.logGroup),
  failureQueue: logicalId(s, s.stack.pipeline.failureQueue),
  bucket: logicalId(s, s.stack.output.bucket),
  logBucket: logicalId(s, s.stack.output.accessLogBucket),
  topic: logicalId(s, s.stack.topic),
  alarmTopic: logicalId(s, s.stack.alarms.topic),
});
const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

function only(s: SynthesizedTributary, type: string): Json {
  const found = resourcesOf(s, type);
  expect(found, `one ${type}`).toHaveLength(1);
  return found[0]![1];
}
function fnProps(s: SynthesizedTributary): Json {
  return s.template.toJSON().Resources[ids(s).fn].Properties;
}
const pipelineRoleId = (s: SynthesizedTributary): string => fnProps(s).Role['Fn::GetAtt'][0];
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
/** An ARN in this environment-agnostic stack's account, region and partition. */
const arnOf = (service: string, resource: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:${service}:`,
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:${resource}`,
    ],
  ],
});

describe('the pipeline function', () => {
  test('runs the build on Node.js 24 on arm64 with handler index.handler', () => {
    expect(fnProps(byDefault)).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    });
  });

  test('has 512 MB and 5 minutes by default, and what the context says otherwise', () => {
    expect(fnProps(byDefault)).toMatchObject({ MemorySize: 512, Timeout: 300 });
    expect(fnProps(custom)).toMatchObject({ MemorySize: 1024, Timeout: 600 });
  });

  test('never runs twice at once (reserved concurrency 1)', () => {
    expect(fnProps(byDefault).ReservedConcurrentExecutions).toBe(1);
  });

  test('logs to its own log group with the configured retention', () => {
    const { logGroup } = ids(byDefault);
    expect(fnProps(byDefault).LoggingConfig).toEqual({ LogGroup: { Ref: logGroup } });
    expect(byDefault.template.toJSON().Resources[logGroup].Properties).toEqual({ RetentionInDays: 30 });
    expect(custom.template.toJSON().Resources[ids(custom).logGroup].Properties).toEqual({ RetentionInDays: 90 });
  });

  test('gets the contract environment: bucket and topic, no prefix or sources URI by default', () => {
    const { bucket, topic } = ids(byDefault);
    expect(fnProps(byDefault).Environment.Variables).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      OUTPUT_BUCKET: { Ref: bucket },
      TOPIC_ARN: { Ref: topic },
    });
  });

  test('gets OUTPUT_PREFIX with its slash and SOURCES_URI pointing at the deployed sources file', () => {
    const variables = fnProps(custom).Environment.Variables;
    expect(variables.OUTPUT_PREFIX).toBe('site/');
    expect(variables.SOURCES_URI).toEqual({
      'Fn::Join': [
        '',
        [
          's3://',
          // CloudFormation's own substitution syntax, not a template string.
          { 'Fn::Sub': ['cdk-hnb659fds-assets-$', '{AWS::AccountId}-$', '{AWS::Region}'].join('') },
          expect.stringMatching(/^\/[0-9a-f]{64}\.json$/),
        ],
      ],
    });
  });

  test('gets LOG_LEVEL only when the configured level is not the default INFO', () => {
    expect(fnProps(byDefault).Environment.Variables).not.toHaveProperty('LOG_LEVEL');
    expect(fnProps(custom).Environment.Variables.LOG_LEVEL).toBe('WARN');
  });

  test('retries a failed asynchronous run twice within an hour, then sends it to an encrypted TLS-only queue', () => {
    const { fn, failureQueue } = ids(byDefault);
    expect(only(byDefault, 'AWS::Lambda::EventInvokeConfig').Properties).toEqual({
      FunctionName: { Ref: fn },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: getAtt(failureQueue) } },
    });
    expect(byDefault.template.toJSON().Resources[failureQueue].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
    });
    assertDeniesWithoutTls(byDefault, {
      type: 'AWS::SQS::QueuePolicy',
      resourceKey: 'Queues',
      id: failureQueue,
      action: 'sqs:*',
    });
  });
});

describe('the schedule', () => {
  test('runs every hour in UTC by default and on the configured cron in the configured time zone', () => {
    expect(only(byDefault, 'AWS::Scheduler::Schedule').Properties).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
    });
    expect(only(custom, 'AWS::Scheduler::Schedule').Properties).toMatchObject({
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
  });

  test('invokes the function with a Scheduled Event timed at the scheduled time, so retries are the same run', () => {
    const target = only(byDefault, 'AWS::Scheduler::Schedule').Properties.Target;
    expect(target.Arn).toEqual(getAtt(ids(byDefault).fn));
    const input = JSON.stringify(target.Input);
    expect(input).toContain('\\"detail-type\\":\\"Scheduled Event\\"');
    expect(input).toContain('\\"time\\":\\"<aws.scheduler.scheduled-time>\\"');
  });

  test('retries delivery twice within an hour and keeps undelivered events in an encrypted dead-letter queue', () => {
    const target = only(byDefault, 'AWS::Scheduler::Schedule').Properties.Target;
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
    const dlq = target.DeadLetterConfig.Arn['Fn::GetAtt'][0];
    expect(dlq).not.toBe(ids(byDefault).failureQueue);
    expect(byDefault.template.toJSON().Resources[dlq]).toMatchObject({
      Type: 'AWS::SQS::Queue',
      Properties: { SqsManagedSseEnabled: true },
    });
  });

  test('may invoke only the pipeline function and write only to its dead-letter queue', () => {
    const target = only(byDefault, 'AWS::Scheduler::Schedule').Properties.Target;
    const statements = roleStatements(byDefault, target.RoleArn['Fn::GetAtt'][0]);
    const { fn } = ids(byDefault);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [getAtt(fn), { 'Fn::Join': ['', [getAtt(fn), ':*']] }],
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: target.DeadLetterConfig.Arn },
    ]);
  });
});

describe('the output bucket', () => {
  const bucketOf = (s: SynthesizedTributary): Json => s.template.toJSON().Resources[ids(s).bucket];

  test('blocks all public access, is encrypted with S3-managed keys and survives stack deletion', () => {
    for (const id of [ids(byDefault).bucket, ids(byDefault).logBucket]) {
      expect(byDefault.template.toJSON().Resources[id]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
        },
      });
    }
  });

  test('refuses every request made without TLS', () => {
    for (const id of [ids(byDefault).bucket, ids(byDefault).logBucket]) {
      assertDeniesWithoutTls(byDefault, { type: 'AWS::S3::BucketPolicy', resourceKey: 'Bucket', id, action: 's3:*' });
    }
  });

  test('logs access to the log bucket', () => {
    expect(bucketOf(byDefault).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: ids(byDefault).logBucket },
      LogFilePrefix: 'output-bucket/',
    });
  });

  test('expires run reports and run claims under the prefix after the configured days', () => {
    expect(bucketOf(byDefault).Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        { Id: 'ExpireRunReports', Prefix: 'runs/', ExpirationInDays: 90, Status: 'Enabled' },
        { Id: 'ExpireRunClaims', Prefix: 'state/runs/', ExpirationInDays: 90, Status: 'Enabled' },
      ]),
    );
    expect(bucketOf(custom).Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        { Id: 'ExpireRunReports', Prefix: 'site/runs/', ExpirationInDays: 30, Status: 'Enabled' },
        { Id: 'ExpireRunClaims', Prefix: 'site/state/runs/', ExpirationInDays: 30, Status: 'Enabled' },
      ]),
    );
  });
});

describe('the run topic', () => {
  test('is encrypted and refuses publishing without TLS, as is the alarm topic', () => {
    const { topic, alarmTopic } = ids(byDefault);
    expect(JSON.stringify(byDefault.template.toJSON().Resources[topic].Properties.KmsMasterKeyId)).toContain(
      ':alias/aws/sns',
    );
    for (const id of [topic, alarmTopic]) {
      assertDeniesWithoutTls(byDefault, {
        type: 'AWS::SNS::TopicPolicy',
        resourceKey: 'Topics',
        id,
        action: 'sns:Publish',
        everyone: '*',
      });
    }
  });

  test("the alarm topic lets CloudWatch publish for this stack's alarms only, replacing SNS's default policy", () => {
    for (const s of [byDefault, synthMode('distributed')]) {
      const { alarmTopic } = ids(s);
      const [, policy] = resourcesOf(s, 'AWS::SNS::TopicPolicy').find(
        ([, p]) => p.Properties.Topics[0].Ref === alarmTopic,
      )!;
      const allow = policy.Properties.PolicyDocument.Statement.filter((st: Json) => st.Effect === 'Allow');
      const alarms = s.stack.alarms.all.map((alarm) => getAtt(logicalId(s, alarm)));
      expect(allow).toEqual([
        {
          Sid: 'AllowTheseAlarmsToPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: alarmTopic },
          Condition: {
            ArnLike: { 'aws:SourceArn': alarms },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        },
      ]);
      // Every alarm that notifies the topic is one the statement names.
      const notifying = resourcesOf(s, 'AWS::CloudWatch::Alarm').filter(([, a]) =>
        JSON.stringify(a.Properties.AlarmActions).includes(alarmTopic),
      );
      expect(notifying.map(([id]) => getAtt(id))).toEqual(expect.arrayContaining(alarms));
      expect(notifying).toHaveLength(alarms.length);
    }
  });

  test('has no subscribers unless emails are given', () => {
    byDefault.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('emails the configured addresses only the configured statuses; alarms go to the alarm addresses', () => {
    const { topic, alarmTopic } = ids(custom);
    const subscriptions = resourcesOf(custom, 'AWS::SNS::Subscription').map(([, s]) => s.Properties);
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        {
          Protocol: 'email',
          Endpoint: 'a@example.com',
          TopicArn: { Ref: topic },
          FilterPolicy: { status: ['partial', 'failed'] },
        },
        {
          Protocol: 'email',
          Endpoint: 'b@example.com',
          TopicArn: { Ref: topic },
          FilterPolicy: { status: ['partial', 'failed'] },
        },
        { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: alarmTopic } },
      ]),
    );
    expect(subscriptions).toHaveLength(3);
  });
});

describe('least privilege: the function role', () => {
  test('may read and write the prefix, delete only item objects, list, publish, log, report failures; no more', () => {
    for (const [s, prefix] of [
      [byDefault, '/'],
      [custom, '/site/'],
    ] as const) {
      const { bucket, topic, logGroup, failureQueue } = ids(s);
      const statements = roleStatements(s, pipelineRoleId(s)).filter((statement) => !isSourcesRead(statement));
      expect(statements).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt(logGroup) },
        {
          Effect: 'Allow',
          Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          Resource: getAtt(failureQueue),
        },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: { 'Fn::Join': ['', [getAtt(bucket), `${prefix}*`]] },
        },
        // A run deletes the item objects its committed state no longer refers to, and nothing else.
        {
          Effect: 'Allow',
          Action: 's3:DeleteObject',
          Resource: { 'Fn::Join': ['', [getAtt(bucket), `${prefix}state/items/*`]] },
        },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: getAtt(bucket) },
        { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topic } },
      ]);
    }
  });

  test('may read exactly the deployed sources object when a sources file is configured', () => {
    const reads = roleStatements(custom, pipelineRoleId(custom)).filter(isSourcesRead);
    expect(reads).toHaveLength(1);
    expect(reads[0]!.Action).toBe('s3:GetObject');
    expect(JSON.stringify(reads[0]!.Resource)).toMatch(/"\/[0-9a-f]{64}\.json"\]\]\}$/);
    expect(roleStatements(byDefault, pipelineRoleId(byDefault)).filter(isSourcesRead)).toEqual([]);
  });

  test('with sourcesUri, reads that one object, given as SOURCES_URI', () => {
    const managed = synthTributary({ sourcesUri: 's3://team-config/tributary/sources.json' });

    const reads = roleStatements(managed, pipelineRoleId(managed)).filter((statement) =>
      JSON.stringify(statement.Resource).includes('team-config'),
    );
    expect(reads).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::team-config/tributary/sources.json']] },
      },
    ]);
    expect(fnProps(managed).Environment.Variables.SOURCES_URI).toBe('s3://team-config/tributary/sources.json');
  });

  test('may read exactly the SSM parameters and Secrets Manager secrets the sources file names, once each', () => {
    const reads = roleStatements(withSecrets, pipelineRoleId(withSecrets)).filter(isSecretRead);
    expect(reads).toEqual([
      {
        Effect: 'Allow',
        Action: 'ssm:GetParameters',
        Resource: [
          arnOf('ssm', 'parameter/aws/reference/secretsmanager/members'),
          arnOf('ssm', 'parameter/aws/reference/secretsmanager/tributary/partner'),
          arnOf('ssm', 'parameter/members-cookie'),
          arnOf('ssm', 'parameter/tributary/api-key'),
        ],
      },
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: [
          arnOf('secretsmanager', 'secret:members-??????'),
          arnOf('secretsmanager', 'secret:tributary/partner-??????'),
        ],
      },
    ]);
  });

  test('gets no SSM, Secrets Manager or KMS access anywhere in the stack when no header names a secret', () => {
    for (const s of [byDefault, custom]) {
      const statements = resourcesOf(s, 'AWS::IAM::Policy').flatMap(
        ([, policy]) => policy.Properties.PolicyDocument.Statement as Json[],
      );
      expect(statements.filter(isSecretRead)).toEqual([]);
    }
  });

  test('has no managed policies and no S3 or SNS access on "*" anywhere in the stack', () => {
    const role = byDefault.template.toJSON().Resources[pipelineRoleId(byDefault)];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    for (const s of [byDefault, custom]) {
      for (const [, policy] of resourcesOf(s, 'AWS::IAM::Policy')) {
        for (const statement of policy.Properties.PolicyDocument.Statement as Json[]) {
          const actions = asList(statement.Action as string | string[]);
          if (actions.some((action) => /^(s3|sns):/.test(action))) {
            expect(asList(statement.Resource)).not.toContain('*');
            expect(actions.filter((action) => action.includes('*'))).toEqual([]);
          }
        }
      }
    }
  });
});

function isSecretRead(statement: Json): boolean {
  return asList(statement.Action as string | string[]).some((action) => /^(ssm|secretsmanager|kms):/.test(action));
}

/** The sources object lives in the CDK bootstrap bucket, named with Fn::Sub. */
function isSourcesRead(statement: Json): boolean {
  return JSON.stringify(statement.Resource).includes('cdk-hnb659fds-assets');
}

describe('alarms', () => {
  const alarms = (s: SynthesizedTributary): Json[] =>
    resourcesOf(s, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const alarmOn = (s: SynthesizedTributary, metricName: string, dimension: Json): Json => {
    const found = alarms(s).filter(
      (a) => a.MetricName === metricName && JSON.stringify(a.Dimensions) === JSON.stringify([dimension]),
    );
    expect(found, `alarm on ${metricName} ${JSON.stringify(dimension)}`).toHaveLength(1);
    return found[0]!;
  };

  test('notify the alarm topic on alarm and on recovery', () => {
    const { alarmTopic } = ids(byDefault);
    expect(alarms(byDefault)).toHaveLength(6);
    for (const alarm of alarms(byDefault)) {
      expect(alarm.AlarmActions).toEqual([{ Ref: alarmTopic }]);
      expect(alarm.OKActions).toEqual([{ Ref: alarmTopic }]);
    }
  });

  test('fire on any function error', () => {
    expect(alarmOn(byDefault, 'Errors', { Name: 'FunctionName', Value: { Ref: ids(byDefault).fn } })).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('fire when a run takes more than 80% of the timeout', () => {
    for (const [s, thresholdMs] of [
      [byDefault, 240_000],
      [custom, 480_000],
    ] as const) {
      expect(alarmOn(s, 'Duration', { Name: 'FunctionName', Value: { Ref: ids(s).fn } })).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Maximum',
        Threshold: thresholdMs,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  test('fire when the failure queue or the schedule dead-letter queue holds a message', () => {
    const scheduleDlq = only(byDefault, 'AWS::Scheduler::Schedule').Properties.Target.DeadLetterConfig.Arn[
      'Fn::GetAtt'
    ][0];
    for (const queue of [ids(byDefault).failureQueue, scheduleDlq]) {
      expect(
        alarmOn(byDefault, 'ApproximateNumberOfMessagesVisible', {
          Name: 'QueueName',
          Value: getAtt(queue, 'QueueName'),
        }),
      ).toMatchObject({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  test("fire when the failed share of a schedule period's checked sources is above the threshold", () => {
    for (const [s, threshold, period] of [
      [byDefault, 0.5, 3600],
      [custom, 0.25, 86_400],
    ] as const) {
      const found = alarms(s).filter((a) => a.Metrics?.some((m: Json) => m.Expression));
      expect(found, 'one alarm on a metric math expression').toHaveLength(1);
      const alarm = found[0]!;
      expect(alarm).toMatchObject({
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      const byId = Object.fromEntries((alarm.Metrics as Json[]).map((m) => [m.Id, m]));
      const expression = (alarm.Metrics as Json[]).find((m) => m.Expression)!;
      expect(expression).toMatchObject({ Expression: 'failed / (ok + notModified + failed)', ReturnData: true });
      for (const [id, metricName] of [
        ['failed', 'SourcesFailed'],
        ['ok', 'SourcesOk'],
        ['notModified', 'SourcesNotModified'],
      ]) {
        expect(byId[id!]).toEqual({
          Id: id,
          ReturnData: false,
          MetricStat: {
            Metric: {
              Namespace: 'Tributary',
              MetricName: metricName,
              Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids(s).fn } }],
            },
            Period: period,
            Stat: 'Sum',
          },
        });
      }
    }
  });

  test('fire when no run succeeded for N schedule periods in a row, counting a period without runs as none', () => {
    for (const [s, periods, period] of [
      [byDefault, 3, 3600],
      [custom, 2, 86_400],
    ] as const) {
      expect(alarmOn(s, 'RunSucceeded', { Name: 'FunctionName', Value: { Ref: ids(s).fn } })).toMatchObject({
        Namespace: 'Tributary',
        Statistic: 'Sum',
        Period: period,
        EvaluationPeriods: periods,
        DatapointsToAlarm: periods,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    }
  });
});

describe('the deployed sources file', () => {
  test('stops the synth naming the field when the function would reject it', () => {
    const attempt = () => synthTributary({ sourcesFile: fixture('invalid-sources.json') });
    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow(/^sources\[0\]\.url: must be http or https/);
  });

  test('stops the synth naming the file when it is not JSON', () => {
    const path = fixture('not-json.json');
    const attempt = () => synthTributary({ sourcesFile: path });
    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_sources', field: path }));
    expect(attempt).toThrow(`${path}: not valid JSON`);
  });
});

describe('console test events', () => {
  const schemaOf = (s: SynthesizedTributary) => only(s, 'AWS::EventSchemas::Schema');

  test("are an OpenAPI 3 schema named after the function in Lambda's test event registry", () => {
    const schema = schemaOf(byDefault);
    expect(schema.Properties).toMatchObject({
      RegistryName: TEST_EVENT_REGISTRY,
      Type: 'OpenApi3',
      SchemaName: { 'Fn::Join': ['', ['_', { Ref: ids(byDefault).fn }, '-schema']] },
    });
    expect(JSON.parse(schema.Properties.Content)).toMatchObject({
      openapi: '3.0.0',
      components: { schemas: { Event: { type: 'object' } } },
    });
  });

  test('offer full run, dry run, only some sources and force refetch', () => {
    expect(JSON.parse(schemaOf(byDefault).Properties.Content).components.examples).toEqual({
      'full-run': { value: {} },
      'dry-run': { value: { dryRun: true } },
      'only-some-sources': { value: { sources: ['bundled-feed'], dryRun: true } },
      'force-refetch': { value: { force: true } },
    });
  });

  test('pick a source that exists in the sources file the function reads', () => {
    expect(JSON.parse(schemaOf(custom).Properties.Content).components.examples['only-some-sources']).toEqual({
      value: { sources: ['example-blog'], dryRun: true },
    });
  });

  test('create the shared registry only if it is missing, before the schema, and never delete it', () => {
    const [ensureId, ensure] = resourcesOf(byDefault, 'Custom::AWS')[0]!;
    const call = JSON.parse(ensure.Properties.Create);
    expect(call).toMatchObject({
      service: 'Schemas',
      action: 'createRegistry',
      parameters: { RegistryName: TEST_EVENT_REGISTRY },
      ignoreErrorCodesMatching: 'ConflictException',
    });
    expect(ensure.Properties.Delete).toBeUndefined();
    expect(schemaOf(byDefault).DependsOn).toContain(ensureId);
  });
});

describe('stack outputs', () => {
  test('give the function name, its Test tab, the bucket, the topic and an invoke command', () => {
    const outputs = byDefault.template.toJSON().Outputs as Json;
    const { fn, bucket, topic } = ids(byDefault);
    expect(outputs.FunctionName.Value).toEqual({ Ref: fn });
    expect(outputs.BucketName.Value).toEqual({ Ref: bucket });
    expect(outputs.TopicArn.Value).toEqual({ Ref: topic });
    const consoleUrl = JSON.stringify(outputs.TestEventsConsoleUrl.Value);
    expect(consoleUrl).toContain('.console.aws.amazon.com/lambda/home?region=');
    expect(consoleUrl).toContain(`{"Ref":"${fn}"},"?tab=testing"`);
    const invoke = JSON.stringify(outputs.InvokeCommand.Value);
    expect(invoke).toContain(`"aws lambda invoke --function-name ",{"Ref":"${fn}"}`);
    expect(invoke).toContain('--cli-read-timeout 0');
  });

  test('give what `npm run smoke` reads: the feed key under the prefix, the schedule and both queues', () => {
    for (const [s, prefix] of [
      [byDefault, ''],
      [custom, 'site/'],
    ] as const) {
      const outputs = s.template.toJSON().Outputs as Json;
      const [scheduleId] = resourcesOf(s, 'AWS::Scheduler::Schedule')[0]!;
      expect(outputs.FeedJsonKey.Value).toBe(`${prefix}feed.json`);
      expect(outputs.ScheduleName.Value).toEqual({ Ref: scheduleId });
      expect(outputs.FailureQueueUrl.Value).toEqual({ Ref: ids(s).failureQueue });
      expect(outputs.ScheduleDeadLetterQueueUrl.Value).toEqual({ Ref: logicalId(s, s.stack.scheduleDeadLetterQueue) });
    }
  });

  test('give a link to the dashboard', () => {
    const outputs = byDefault.template.toJSON().Outputs as Json;
    const [dashboardId] = resourcesOf(byDefault, 'AWS::CloudWatch::Dashboard')[0]!;
    const url = JSON.stringify(outputs.DashboardUrl.Value);
    expect(url).toContain('.console.aws.amazon.com/cloudwatch/home?region=');
    expect(url).toContain(`#dashboards/dashboard/",{"Ref":"${dashboardId}"}`);
  });
});

describe('cdk-nag AwsSolutions checks', () => {
  test('report nothing unacknowledged, with defaults, with every setting changed and with secrets in headers', () => {
    for (const s of [byDefault, custom, withSecrets]) {
      const report = new AwsSolutionsChecks().validateScope(s.app);
      expect(
        report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      ).toEqual([]);
    }
  });

  test('every acknowledgement gives a reason of at least a sentence', () => {
    const acknowledgements = byDefault.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgements) {
      expect(reason.length, id).toBeGreaterThanOrEqual(60);
    }
  });
});
