import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import type { BundleFunction } from '../../infra/bundleFunction.js';
import {
  type Json,
  logicalId,
  roleStatements,
  type SynthesizedTributary,
  synthMode,
  synthTributary,
} from './synthTributary.js';

let single: SynthesizedTributary;
let distributed: SynthesizedTributary;
let custom: SynthesizedTributary;

beforeAll(() => {
  single = synthMode('default');
  distributed = synthMode('distributed');
  custom = synthMode('everyDistributedOption');
});

const resources = (s: SynthesizedTributary): Record<string, Json> => s.template.toJSON().Resources;
const ofType = (s: SynthesizedTributary, type: string): [string, Json][] =>
  Object.entries(resources(s)).filter(([, r]) => r.Type === type);
const steps = (s: SynthesizedTributary) => {
  const { start, worker, merge } = s.stack.distributed!;
  return { start, worker, merge };
};
const fnProps = (s: SynthesizedTributary, step: BundleFunction): Json =>
  resources(s)[logicalId(s, step.function)]!.Properties;
const roleOf = (s: SynthesizedTributary, step: BundleFunction): string => fnProps(s, step).Role['Fn::GetAtt'][0];
const objects = (s: SynthesizedTributary, key: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(s, s.stack.output.bucket), 'Arn'] }, `/${key}`]],
});

/** The state machine's definition, its CloudFormation references shown as `<ref>`. */
function definitionOf(s: SynthesizedTributary): Json {
  const [[, machine]] = ofType(s, 'AWS::StepFunctions::StateMachine') as [[string, Json]];
  const parts: unknown[] = machine.Properties.DefinitionString['Fn::Join'][1];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : '<ref>')).join(''));
}

describe('the mode setting', () => {
  test('single, the default, is the template without the key: no state machine, the function is scheduled', () => {
    expect(synthTributary({ mode: 'single' }).template.toJSON()).toEqual(single.template.toJSON());
    expect(ofType(single, 'AWS::StepFunctions::StateMachine')).toEqual([]);
    expect(single.stack.distributed).toBeUndefined();
    const [[, schedule]] = ofType(single, 'AWS::Scheduler::Schedule') as [[string, Json]];
    expect(schedule.Properties.Target.Arn).toEqual({
      'Fn::GetAtt': [logicalId(single, single.stack.pipeline.function), 'Arn'],
    });
  });

  test('distributed: the schedule starts the state machine with the Scheduled Event, retries and dead letters', () => {
    const [[, schedule]] = ofType(distributed, 'AWS::Scheduler::Schedule') as [[string, Json]];
    const { Target } = schedule.Properties;
    expect(Target.Arn).toEqual({ Ref: logicalId(distributed, distributed.stack.distributed!.stateMachine) });
    expect(JSON.stringify(Target.Input)).toContain('\\"detail-type\\":\\"Scheduled Event\\"');
    expect(JSON.stringify(Target.Input)).toContain('\\"time\\":\\"<aws.scheduler.scheduled-time>\\"');
    expect(Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
    expect(Target.DeadLetterConfig.Arn).toBeDefined();
    const statements = roleStatements(distributed, Target.RoleArn['Fn::GetAtt'][0]);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'states:StartExecution', Resource: Target.Arn });
  });
});

describe('the state machine', () => {
  test('is a standard state machine, timed out after runTimeoutMinutes, traced, logging without execution data', () => {
    const [[, machine]] = ofType(custom, 'AWS::StepFunctions::StateMachine') as [[string, Json]];
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    expect(definitionOf(custom).TimeoutSeconds).toBe(120 * 60);
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
  });

  test('starts with the start step given the event, execution id and start, run timeout and merge reserve', () => {
    const definition = definitionOf(custom);
    expect(definition.StartAt).toBe('StartRun');
    expect(definition.States.StartRun.Parameters).toEqual({
      'event.$': '$',
      execution: {
        'id.$': '$$.Execution.Id',
        'startTime.$': '$$.Execution.StartTime',
        timeoutSeconds: 7200,
        mergeReserveSeconds: 600,
      },
    });
    expect(definition.States.RunStarted.Choices).toEqual([
      { Variable: '$.status', StringEquals: 'started', Next: 'Workers' },
    ]);
    expect(definition.States[definition.States.RunStarted.Default].Type).toBe('Succeed');
  });

  test('fans out in a Distributed Map: S3 JSON reader, batches with the job, concurrency, tolerance, results', () => {
    for (const [s, batch, concurrency, tolerated] of [
      [distributed, 100, 20, 10],
      [custom, 250, 50, 5],
    ] as const) {
      const map = definitionOf(s).States.Workers;
      expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      expect(map.ItemReader).toEqual({
        Resource: 'arn:<ref>:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: '<ref>', 'Key.$': '$.sourcesKey' },
      });
      // Bytes as well as items: a child execution's input is limited to 256 KB.
      expect(map.ItemBatcher).toEqual({
        MaxItemsPerBatch: batch,
        MaxInputBytesPerBatch: 200 * 1024,
        BatchInput: { 'job.$': '$.job' },
      });
      expect(map.MaxConcurrency).toBe(concurrency);
      expect(map.ToleratedFailurePercentage).toBe(tolerated);
      expect(map.ResultWriter).toEqual({
        Resource: 'arn:<ref>:states:::s3:putObject',
        Parameters: { Bucket: '<ref>', 'Prefix.$': '$.resultsPrefix' },
      });
      const worker = map.ItemProcessor.States[map.ItemProcessor.StartAt];
      expect(worker).toMatchObject({ Type: 'Task', Resource: '<ref>', End: true });
    }
  });

  test('merges after the Map, also when the Map failed, and then fails the execution so the alarm fires', () => {
    const { States } = definitionOf(distributed);
    expect(States.Workers.Next).toBe('MergeRun');
    expect(States.Workers.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.mapError', Next: 'MergeRun' }]);
    expect(States.MergeRun.ResultPath).toBe('$.summary');
    const outcome = States[States.MergeRun.Next];
    expect(outcome.Choices).toEqual([{ Variable: '$.mapError', IsPresent: true, Next: 'TooManyBatchesFailed' }]);
    expect(States.TooManyBatchesFailed.Type).toBe('Fail');
    expect(States[outcome.Default].Type).toBe('Succeed');
  });

  test('may invoke its three step functions, and read and write only the shard folders of the output prefix', () => {
    const { stateMachine } = custom.stack.distributed!;
    const roleId = logicalId(custom, stateMachine.role);
    const statements = roleStatements(custom, roleId);
    const s3 = statements.filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
    expect(s3).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
        Resource: objects(custom, 'site/state/shards/*'),
      },
    ]);
    const invoked = statements.find((statement) => statement.Action === 'lambda:InvokeFunction')!.Resource as Json[];
    const { start, worker, merge } = steps(custom);
    for (const step of [start, worker, merge])
      expect(invoked).toContainEqual({ 'Fn::GetAtt': [logicalId(custom, step.function), 'Arn'] });
  });
});

describe('the step functions', () => {
  test('run the one bundle, each its own export, with the memory and timeout of the context', () => {
    const { start, worker, merge } = steps(custom);
    expect(fnProps(custom, start)).toMatchObject({
      Handler: 'index.startHandler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 600,
    });
    expect(fnProps(custom, worker)).toMatchObject({ Handler: 'index.workerHandler', Timeout: 600 });
    expect(fnProps(custom, merge)).toMatchObject({ Handler: 'index.mergeHandler', Timeout: 600 });
    const code = (step: BundleFunction) => fnProps(custom, step).Code;
    expect(code(start)).toEqual(fnProps(custom, custom.stack.pipeline).Code);
    expect(code(worker)).toEqual(code(start));
  });

  test('start and merge never run twice at once; the workers are bounded by the Map instead', () => {
    const { start, worker, merge } = steps(distributed);
    expect(fnProps(distributed, start).ReservedConcurrentExecutions).toBe(1);
    expect(fnProps(distributed, merge).ReservedConcurrentExecutions).toBe(1);
    expect(fnProps(distributed, worker)).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  test('each may touch only what its step needs under the output prefix', () => {
    const { start, worker, merge } = steps(custom);
    const s3Of = (step: BundleFunction) =>
      roleStatements(custom, roleOf(custom, step)).filter(
        (statement) => JSON.stringify(statement.Action).includes('s3:') && statement.Action !== 's3:ListBucket',
      );
    const [reads, writes, ...more] = s3Of(start);
    expect(more).toEqual([]);
    // Besides run claims, reports and state.json (its shard count orders the batches), the start step
    // reads the deployed sources file (CDK folds the statements into one).
    expect(reads).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject' });
    expect(reads!.Resource).toHaveLength(4);
    expect(reads!.Resource).toEqual(
      expect.arrayContaining([
        objects(custom, 'site/runs/*'),
        objects(custom, 'site/state/runs/*'),
        objects(custom, 'site/state/state.json'),
      ]),
    );
    expect(JSON.stringify(reads!.Resource)).toContain('cdk-hnb659fds-assets');
    expect(writes).toEqual({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: [objects(custom, 'site/state/runs/*'), objects(custom, 'site/state/shards/*')],
    });
    // The workers write their sources' item objects beside their shard files, and delete nothing.
    expect(s3Of(worker)).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [objects(custom, 'site/state/sources/*'), objects(custom, 'site/state/state.json')],
      },
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: [objects(custom, 'site/state/items/*'), objects(custom, 'site/state/shards/*')],
      },
    ]);
    // The merge commits the state, then deletes the item objects it no longer refers to: nothing else.
    expect(s3Of(merge)).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: objects(custom, 'site/*') },
      { Effect: 'Allow', Action: 's3:DeleteObject', Resource: objects(custom, 'site/state/items/*') },
    ]);
  });

  test('only the merge may delete, and only item objects; the start step and the workers delete nothing', () => {
    for (const s of [distributed, custom]) {
      const prefix = s === custom ? 'site/' : '';
      const { start, worker, merge } = steps(s);
      const deletes = (step: BundleFunction) =>
        roleStatements(s, roleOf(s, step)).filter((statement) =>
          [statement.Action].flat().some((action: string) => /^s3:Delete/.test(action)),
        );
      expect(deletes(merge)).toEqual([
        { Effect: 'Allow', Action: 's3:DeleteObject', Resource: objects(s, `${prefix}state/items/*`) },
      ]);
      expect(deletes(start)).toEqual([]);
      expect(deletes(worker)).toEqual([]);
    }
  });

  test('only the workers read the secrets the sources name; only start and merge may publish to the run topic', () => {
    const { start, worker, merge } = steps(custom);
    const actions = (step: BundleFunction) =>
      roleStatements(custom, roleOf(custom, step)).flatMap((statement) => [statement.Action].flat());
    expect(actions(worker)).toEqual(expect.arrayContaining(['ssm:GetParameters', 'secretsmanager:GetSecretValue']));
    for (const step of [start, merge]) expect(actions(step)).not.toContain('ssm:GetParameters');
    for (const step of [start, merge]) expect(actions(step)).toContain('sns:Publish');
    expect(actions(worker)).not.toContain('sns:Publish');
    expect(fnProps(custom, start).Environment.Variables).toHaveProperty('SOURCES_URI');
    expect(fnProps(custom, worker).Environment.Variables).not.toHaveProperty('SOURCES_URI');
  });
});

describe('operating the distributed mode', () => {
  test('alarms on failed or timed-out executions, to the alarm topic', () => {
    const alarm =
      resources(distributed)[logicalId(distributed, distributed.stack.alarms.failedExecutions!)]!.Properties;
    const metrics = alarm.Metrics.filter((metric: Json) => metric.MetricStat).map(
      (metric: Json) => metric.MetricStat.Metric,
    );
    expect(metrics.map((metric: Json) => metric.MetricName).sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
    for (const metric of metrics) {
      expect(metric.Dimensions).toEqual([
        {
          Name: 'StateMachineArn',
          Value: { Ref: logicalId(distributed, distributed.stack.distributed!.stateMachine) },
        },
      ]);
    }
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm.AlarmActions).toEqual([{ Ref: logicalId(distributed, distributed.stack.alarms.topic) }]);
    expect(single.stack.alarms.failedExecutions).toBeUndefined();
  });

  test('alarms when the merge step takes more than 80% of its own timeout', () => {
    const { merge } = steps(distributed);
    const alarm =
      resources(distributed)[logicalId(distributed, distributed.stack.alarms.mergeDurationNearTimeout!)]!.Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(distributed, merge.function) } }],
      Threshold: merge.timeout.toMilliseconds() * 0.8,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarm.AlarmActions).toEqual([{ Ref: logicalId(distributed, distributed.stack.alarms.topic) }]);
    expect(single.stack.alarms.mergeDurationNearTimeout).toBeUndefined();
  });

  test('reads the run metrics of scheduled runs from the merge step, which reports them', () => {
    const alarm = resources(distributed)[logicalId(distributed, distributed.stack.alarms.noSuccessfulRun)]!.Properties;
    expect(alarm.Dimensions).toEqual([
      { Name: 'FunctionName', Value: { Ref: logicalId(distributed, steps(distributed).merge.function) } },
    ]);
  });

  test("expires the runs' working folders after a week", () => {
    const rules: Json[] =
      resources(custom)[logicalId(custom, custom.stack.output.bucket)]!.Properties.LifecycleConfiguration.Rules;
    expect(rules).toContainEqual({
      Id: 'ExpireShardFolders',
      Prefix: 'site/state/shards/',
      ExpirationInDays: 7,
      Status: 'Enabled',
    });
  });

  test('names the state machine and how to start a run in the stack outputs', () => {
    const outputs = distributed.template.toJSON().Outputs;
    expect(outputs.StateMachineArn.Value).toEqual({
      Ref: logicalId(distributed, distributed.stack.distributed!.stateMachine),
    });
    expect(JSON.stringify(outputs.StartExecutionCommand.Value)).toContain(
      'aws stepfunctions start-execution --state-machine-arn ',
    );
  });

  test('cdk-nag reports nothing unacknowledged, with defaults and with every setting changed', () => {
    for (const s of [distributed, custom]) {
      const report = new AwsSolutionsChecks().validateScope(s.app);
      expect(
        report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      ).toEqual([]);
    }
  });
});
