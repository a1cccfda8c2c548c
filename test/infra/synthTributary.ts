import { readFileSync } from 'node:fs';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { stackSettingsFromContext } from '../../infra/stackSettings.js';
import { TributaryStack } from '../../infra/tributaryStack.js';
import { fixturePath } from '../support/fixtures.js';

/** The path of a fixture of the infra tests. */
export const fixture = (name: string): string => fixturePath(`infra/${name}`);

/** The feature flags `cdk.json` gives the real app, so tests synthesize what `cdk deploy` would. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export interface SynthesizedTributary {
  app: App;
  stack: TributaryStack;
  template: Template;
}

/**
 * Builds the stack as `infra/app.ts` does, with `context` layered over cdk.json's, and packages a
 * stand-in for the build folder so the tests run without `npm run build`. A relative
 * `sourcesFile` is found from `cwd`, as the CDK CLI finds it from the project root.
 */
export function synthTributary(context: Record<string, unknown> = {}, cwd?: string): SynthesizedTributary {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...context } });
  const stack = new TributaryStack(app, 'Tributary', {
    settings: stackSettingsFromContext(app.node, cwd),
    buildDir: fixture('build'),
  });
  return { app, stack, template: Template.fromStack(stack) };
}

/**
 * Every documented way to deploy, as the `-c key=value` context a deployer passes: what the infra
 * tests assert on and what cfn-lint checks. A new mode added here is linted without more code.
 */
export const DOCUMENTED_MODES = {
  default: {},
  distributed: { mode: 'distributed' },
  /** Every setting changed from its default, as a deployer would pass them. */
  everyOption: {
    schedule: 'cron(0 6 * * ? *)',
    schedulePeriodMinutes: 1440,
    timeZone: 'Europe/Berlin',
    memoryMb: '1024',
    timeoutSeconds: 600,
    emails: 'a@example.com,b@example.com',
    emailStatuses: ['partial', 'failed'],
    alarmEmails: ['ops@example.com'],
    runsRetentionDays: 30,
    logRetentionDays: 90,
    logLevel: 'warn',
    sourcesFile: fixture('sources.json'),
    outputPrefix: 'site',
    failedRatioThreshold: '0.25',
    missedRunsAlarm: 2,
  },
  /** The distributed mode with every one of its settings changed, beside a prefix and secrets in headers. */
  everyDistributedOption: {
    mode: 'distributed',
    batchSize: '250',
    maxConcurrency: 50,
    toleratedFailurePercentage: 5,
    runTimeoutMinutes: 120,
    timeoutSeconds: 600,
    outputPrefix: 'site',
    sourcesFile: fixture('sources-with-secrets.json'),
  },
  /** The public site on the distribution's own name. */
  sitePublic: { site: 'public' },
  /** The public site on a custom domain with its alias records, under a prefix, run reports published. */
  sitePublicDomain: {
    site: 'public',
    domainName: 'feeds.example.com',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    outputPrefix: 'site',
    publishRuns: 'true',
  },
} as const satisfies Record<string, Record<string, unknown>>;
export type DocumentedMode = keyof typeof DOCUMENTED_MODES;

const synthesized = new Map<DocumentedMode, SynthesizedTributary>();

/** One documented mode, synthesized once per test file however many suites in it ask for it. */
export function synthMode(mode: DocumentedMode): SynthesizedTributary {
  let s = synthesized.get(mode);
  if (!s) {
    s = synthTributary(DOCUMENTED_MODES[mode]);
    synthesized.set(mode, s);
  }
  return s;
}

/** The logical id of a construct's CloudFormation resource in the synthesized stack. */
export function logicalId(s: SynthesizedTributary, construct: IConstruct): string {
  return s.stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

// Template JSON is untyped; the assertions that use it are what check its shape.
export type Json = Record<string, any>;

/** Every resource of one CloudFormation type, as [logical id, resource]. */
export function resourcesOf(s: SynthesizedTributary, type: string): [string, Json][] {
  return Object.entries(s.template.findResources(type));
}

/** The statements of every IAM policy attached to one role. */
export function roleStatements(s: SynthesizedTributary, roleId: string): Json[] {
  return resourcesOf(s, 'AWS::IAM::Policy')
    .filter(([, policy]) => policy.Properties.Roles.some((role: Json) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
}

/**
 * Asserts that the resource policy of `type` attached to `id` (under `resourceKey`, e.g. `Queues`)
 * denies `action` to every request made without TLS.
 */
export function assertDeniesWithoutTls(
  s: SynthesizedTributary,
  policy: { type: string; resourceKey: string; id: string; action: string; everyone?: unknown },
): void {
  const reference = { Ref: policy.id };
  s.template.hasResourceProperties(policy.type, {
    [policy.resourceKey]: policy.resourceKey === 'Bucket' ? reference : [reference],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Effect: 'Deny',
          Action: policy.action,
          // SNS writes "everyone" as '*', S3 and SQS as { AWS: '*' }: the same to IAM.
          Principal: policy.everyone ?? { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]),
    },
  });
}
