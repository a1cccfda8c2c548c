import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, test } from 'vitest';
import { synthTributary, type SynthesizedTributary } from './synthTributary.js';

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
function dashboardWidgets(s: SynthesizedTributary): Widget[] {
  const dashboards = Object.values(s.template.findResources('AWS::CloudWatch::Dashboard'));
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
  return JSON.parse(body).widgets;
}

const logicalId = (s: SynthesizedTributary, construct: { node: { defaultChild?: unknown } }): string =>
  s.stack.getLogicalId(construct.node.defaultChild as CfnElement);

function titled(widgets: Widget[], title: string): Widget {
  const found = widgets.filter((w) => w.properties.title === title);
  expect(found, `one widget titled ${title}`).toHaveLength(1);
  return found[0]!;
}

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

beforeAll(() => {
  byDefault = synthTributary();
  widgets = dashboardWidgets(byDefault);
});

describe('the dashboard', () => {
  test('opens on the last 7 days with the state of every alarm', () => {
    const alarms = byDefault.stack.alarms;
    const alarmArns = [
      alarms.noSuccessfulRun,
      alarms.failedSources,
      alarms.functionErrors,
      alarms.durationNearTimeout,
      alarms.failedInvocations,
      alarms.undeliveredSchedules,
    ].map((alarm) => `ARN:${logicalId(byDefault, alarm)}`);
    expect(titled(widgets, 'Alarms')).toMatchObject({ type: 'alarm', properties: { alarms: alarmArns } });
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
    expect(lines(duration)).toEqual(['AWS/Lambda Duration p50', 'AWS/Lambda Duration p99', 'AWS/Lambda Duration Maximum']);
    expect(duration.properties.annotations.horizontal.map((a: Json) => a.value)).toEqual([300_000, 240_000]);
  });

  test('shows function errors, source latency p50 and p99, items and bytes', () => {
    expect(lines(titled(widgets, 'Function invocations and errors'))).toEqual([
      'AWS/Lambda Invocations Sum',
      'AWS/Lambda Errors Sum',
      'AWS/Lambda Throttles Sum',
    ]);
    expect(lines(titled(widgets, 'Source latency (ms)'))).toEqual(['Tributary SourceLatencyMs p50', 'Tributary SourceLatencyMs p99']);
    expect(lines(titled(widgets, 'Items'))).toEqual(['Tributary ItemsTotal Maximum', 'Tributary ItemsNew Sum']);
    expect(lines(titled(widgets, 'Bytes fetched'))).toEqual(['Tributary BytesFetched Sum']);
    expect(lines(titled(widgets, 'Run duration (ms), as the pipeline measures it'))).toEqual(['Tributary RunDurationMs Maximum']);
  });

  test("lists the failing sources with their last error from the function's log lines", () => {
    const query = titled(widgets, 'Failing sources and their last error');
    expect(query.type).toBe('log');
    const logGroup = `REF:${logicalId(byDefault, byDefault.stack.pipeline.logGroup)}`;
    expect(query.properties.query).toContain(`SOURCE '${logGroup}'`);
    expect(query.properties.query).toContain("filter message = 'source failed'");
    expect(query.properties.query).toContain('by sourceId');
  });

  test('uses one schedule period per datapoint, so each point is about one run', () => {
    const daily = dashboardWidgets(synthTributary({ schedule: 'rate(1 day)' }));
    const periods = daily.flatMap((w) => ((w.properties.metrics ?? []) as unknown[][]).map((line) => (line.at(-1) as Json).period));
    expect(new Set(periods)).toEqual(new Set([86_400]));
  });
});
