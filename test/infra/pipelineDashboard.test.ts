import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { BundleFunction } from '../../infra/bundleFunction.js';
import { DeadLetterQueue } from '../../infra/deadLetterQueue.js';
import { PipelineAlarms } from '../../infra/pipelineAlarms.js';
import { PipelineDashboard } from '../../infra/pipelineDashboard.js';
import { PipelineMetrics } from '../../infra/pipelineMetrics.js';
import { STACK_SETTING_DEFAULTS } from '../../infra/stackSettings.js';
import { WholeRunFunction } from '../../infra/wholeRunFunction.js';
import { fixture, logicalId, type SynthesizedTributary, synthMode, synthTributary } from './synthTributary.js';

// Dashboard JSON is untyped; the assertions below are what check its shape.
type Json = Record<string, any>;

interface Widget {
  type: string;
  properties: Json;
}

/**
 * The dashboard body is a JSON document joined with CloudFormation references; each reference
 * becomes `REF:<logicalId>` or `ARN:<logicalId>` so the document can be parsed and read.
 */
function dashboardBody(template: Template): Json {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards, 'one dashboard').toHaveLength(1);
  const parts = dashboards[0]!.Properties.DashboardBody['Fn::Join'][1] as (string | Json)[];
  const body = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if (part.Ref) return `REF:${part.Ref}`;
      if (part['Fn::GetAtt']) return `ARN:${part['Fn::GetAtt'][0]}`;
      throw new Error(`unexpected token in the dashboard body: ${JSON.stringify(part)}`);
    })
    .join('');
  return JSON.parse(body);
}
const dashboardWidgets = (template: Template): Widget[] => dashboardBody(template).widgets;

function titled(widgets: Widget[], title: string): Widget {
  const found = widgets.filter((w) => w.properties.title === title);
  expect(found, `one widget titled ${title}`).toHaveLength(1);
  return found[0]!;
}

/** Each graphed line's label, as the dashboard's legend shows it. */
const labels = (widget: Widget): string[] =>
  (widget.properties.metrics as unknown[][]).map((line) => (line.at(-1) as Json).label);

/** Every alarm of the stack, as the dashboard refers to it, whoever made it. */
const everyAlarm = (s: SynthesizedTributary): string[] =>
  Object.keys(s.template.findResources('AWS::CloudWatch::Alarm')).map((id) => `ARN:${id}`);

/** Each graphed line as `namespace metric stat`, or the expression it computes. */
function lines(widget: Widget): string[] {
  return (widget.properties.metrics as unknown[][]).map((line) => {
    const options = line.at(-1) as Json;
    if (options.expression) return `= ${options.expression}`;
    return `${line[0]} ${line[1]} ${options.stat}${options.visible === false ? ' (hidden)' : ''}`;
  });
}

let byDefault: SynthesizedTributary;
let widgets: Widget[];
let distributed: SynthesizedTributary;
let distributedWidgets: Widget[];

beforeAll(() => {
  byDefault = synthMode('default');
  widgets = dashboardWidgets(byDefault.template);
  distributed = synthMode('distributed');
  distributedWidgets = dashboardWidgets(distributed.template);
});

describe('the dashboard', () => {
  test.each([
    ['single', () => byDefault],
    ['distributed', () => distributed],
  ])('opens on the last 7 days with the state of every alarm, in %s mode', (_mode, synthesized) => {
    const s = synthesized();
    expect(dashboardBody(s.template).start).toBe('-P7D');
    const alarms = titled(dashboardWidgets(s.template), 'Alarms');
    expect(alarms.type).toBe('alarm');
    expect(everyAlarm(s)).not.toEqual([]);
    expect([...alarms.properties.alarms].sort()).toEqual(everyAlarm(s).sort());
  });

  test("lists the runs' own alarms first", () => {
    const { noSuccessfulRun, failedSources } = byDefault.stack.alarms;
    const first = [noSuccessfulRun, failedSources].map((alarm) => `ARN:${logicalId(byDefault, alarm)}`);
    expect(titled(widgets, 'Alarms').properties.alarms.slice(0, 2)).toEqual(first);
  });

  test("graphs this function's run metrics from the Tributary namespace", () => {
    const fn = `REF:${logicalId(byDefault, byDefault.stack.pipeline.function)}`;
    const runLines = widgets
      .flatMap((w) => (w.properties.metrics ?? []) as unknown[][])
      .filter((line) => line[0] === 'Tributary');
    expect(runLines.length).toBeGreaterThan(0);
    for (const line of runLines) expect(line.slice(2, 4)).toEqual(['FunctionName', fn]);
  });

  test('shows sources by outcome, and the failed share against its alarm threshold with successful runs', () => {
    expect(lines(titled(widgets, 'Sources per run, by outcome'))).toEqual([
      'Tributary SourcesOk Sum',
      'Tributary SourcesNotModified Sum',
      'Tributary SourcesFailed Sum',
      'Tributary SourcesSkipped Sum',
    ]);
    const ratio = titled(widgets, 'Failed share of checked sources, and successful runs');
    expect(lines(ratio)).toEqual([
      '= failed / (ok + notModified + failed)',
      'Tributary SourcesFailed Sum (hidden)',
      'Tributary SourcesOk Sum (hidden)',
      'Tributary SourcesNotModified Sum (hidden)',
      'Tributary RunSucceeded Sum',
    ]);
    expect(ratio.properties.annotations.horizontal).toEqual([expect.objectContaining({ value: 0.5 })]);
  });

  test('shows function duration p50, p99 and max against the timeout', () => {
    const duration = titled(widgets, 'Function duration (ms) against the timeout');
    expect(lines(duration)).toEqual([
      'AWS/Lambda Duration p50',
      'AWS/Lambda Duration p99',
      'AWS/Lambda Duration Maximum',
    ]);
    expect(labels(duration)).toEqual(['p50', 'p99', 'max']);
    expect(duration.properties.annotations.horizontal.map((a: Json) => a.value)).toEqual([300_000, 240_000]);
    expect(duration.properties.annotations.horizontal[0].label).toBe('timeout');
  });

  test('shows function errors, source latency p50 and p99, items and bytes', () => {
    expect(lines(titled(widgets, 'Function invocations and errors'))).toEqual([
      'AWS/Lambda Invocations Sum',
      'AWS/Lambda Errors Sum',
      'AWS/Lambda Throttles Sum',
    ]);
    expect(lines(titled(widgets, 'Source latency (ms)'))).toEqual([
      'Tributary SourceLatencyMs p50',
      'Tributary SourceLatencyMs p99',
    ]);
    expect(lines(titled(widgets, 'Items'))).toEqual(['Tributary ItemsTotal Maximum', 'Tributary ItemsNew Sum']);
    expect(lines(titled(widgets, 'Bytes fetched'))).toEqual(['Tributary BytesFetched Sum']);
    expect(lines(titled(widgets, 'Run duration (ms), as the pipeline measures it'))).toEqual([
      'Tributary RunDurationMs Maximum',
    ]);
  });

  test("lists the failing sources with their last error from the function's log lines", () => {
    const query = titled(widgets, 'Failing sources and their last error');
    expect(query.type).toBe('log');
    const logGroup = `REF:${logicalId(byDefault, byDefault.stack.pipeline.logGroup)}`;
    expect(query.properties.query).toContain(`SOURCE '${logGroup}'`);
    expect(query.properties.query.match(/SOURCE /g)).toHaveLength(1);
    expect(query.properties.query).toContain("filter message = 'source failed'");
    expect(query.properties.query).toContain('by sourceId');
  });

  test('uses one schedule period per datapoint, so each point is about one run', () => {
    const daily = dashboardWidgets(synthTributary({ schedule: 'rate(1 day)' }).template);
    const periods = daily.flatMap((w) =>
      ((w.properties.metrics ?? []) as unknown[][]).map((line) => (line.at(-1) as Json).period),
    );
    expect(new Set(periods)).toEqual(new Set([86_400]));
  });
});

describe('the dashboard in distributed mode', () => {
  // Scheduled runs end in the merge step, ad hoc ones in the pipeline function: both end runs.
  const runFunctionIds = () => {
    const { pipeline, distributed: steps } = distributed.stack;
    return {
      pipeline: `REF:${logicalId(distributed, pipeline.function)}`,
      merge: `REF:${logicalId(distributed, steps!.merge.function)}`,
    };
  };
  const functionOf = (widget: Widget): string[] =>
    (widget.properties.metrics as unknown[][]).map((line) => line[3] as string);

  test('lists the failing sources from the log lines of the pipeline function and of the merge step', () => {
    const query = titled(distributedWidgets, 'Failing sources and their last error').properties.query as string;
    const { pipeline, distributed: steps } = distributed.stack;
    for (const logGroup of [pipeline.logGroup, steps!.merge.logGroup]) {
      expect(query).toContain(`SOURCE 'REF:${logicalId(distributed, logGroup)}'`);
    }
    expect(query.match(/SOURCE /g)).toHaveLength(2);
    expect(query).toContain("filter message = 'source failed'");
  });

  test.each([
    ['duration', 'Function duration (ms) against the timeout', ['p50', 'p99', 'max']],
    ['invocations, errors and throttles', 'Function invocations and errors', ['invocations', 'errors', 'throttles']],
  ])('shows the %s of each, named', (_, title, series) => {
    const widget = titled(distributedWidgets, title);
    const { pipeline, merge } = runFunctionIds();
    expect(functionOf(widget)).toEqual([pipeline, pipeline, pipeline, merge, merge, merge]);
    expect(labels(widget)).toEqual([
      ...series.map((name) => `pipeline ${name}`),
      ...series.map((name) => `merge step ${name}`),
    ]);
  });

  test('draws the shared timeout on the duration widget', () => {
    const duration = titled(distributedWidgets, 'Function duration (ms) against the timeout');
    expect(duration.properties.annotations.horizontal).toEqual([
      expect.objectContaining({ value: 300_000, label: 'timeout' }),
      expect.objectContaining({ value: 240_000 }),
    ]);
  });

  test("graphs the merge step's run metrics, as scheduled runs report there", () => {
    const runLines = distributedWidgets
      .flatMap((w) => (w.properties.metrics ?? []) as unknown[][])
      .filter((line) => line[0] === 'Tributary');
    expect(runLines.length).toBeGreaterThan(0);
    for (const line of runLines) expect(line.slice(2, 4)).toEqual(['FunctionName', runFunctionIds().merge]);
  });
});

describe('the dashboard of functions with different timeouts', () => {
  test('marks each timeout, named after its functions', () => {
    const stack = new Stack();
    const code = BundleFunction.codeFromBuild(fixture('build'));
    const pipeline = new WholeRunFunction(stack, 'Pipeline', { ...STACK_SETTING_DEFAULTS, timeoutSeconds: 300, code });
    const merge = new BundleFunction(stack, 'Merge', {
      ...STACK_SETTING_DEFAULTS,
      timeoutSeconds: 600,
      code,
      description: 'merge',
      roleDescription: 'merge',
    });
    const metrics = new PipelineMetrics(merge.function, Duration.hours(1));
    const alarms = new PipelineAlarms(stack, 'Alarms', {
      pipeline,
      scheduleDeadLetterQueue: new DeadLetterQueue(stack, 'ScheduleDeadLetterQueue'),
      emails: [],
      metrics,
      failedRatioThreshold: 0.5,
      missedRuns: 3,
    });
    new PipelineDashboard(stack, 'Dashboard', {
      runFunctions: [
        { label: 'pipeline', fn: pipeline },
        { label: 'merge step', fn: merge },
      ],
      alarms,
      metrics,
    });

    const duration = titled(dashboardWidgets(Template.fromStack(stack)), 'Function duration (ms) against the timeout');
    expect(duration.properties.annotations.horizontal.slice(0, 2)).toEqual([
      expect.objectContaining({ value: 300_000, label: 'pipeline timeout' }),
      expect.objectContaining({ value: 600_000, label: 'merge step timeout' }),
    ]);
  });
});
