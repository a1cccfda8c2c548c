import { existsSync, statSync } from 'node:fs';

import { resolve } from 'node:path';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { didYouMean } from '../lambda/core/closestMatch.js';
import { DEFAULT_LOG_LEVEL, type LogLevel, parseLogLevel } from '../lambda/core/logLevel.js';
import type { RunStatus } from '../lambda/core/model.js';
import { normalizePrefix } from '../lambda/core/outputPrefix.js';
import { invalidInput } from '../lambda/input/inputProblems.js';
import { parseS3Uri } from '../lambda/input/s3Uri.js';
import { InvalidContextError } from './errors.js';
import {
  certificateArn,
  domainName,
  domainProblems,
  flag,
  hostedZoneId,
  type SiteMode,
  siteMode,
} from './siteSettings.js';

/**
 * Everything a deployer may change, read once from CDK context (`cdk.json` or `-c key=value`).
 * Values given on the command line arrive as strings, so numbers and lists also accept their text forms.
 */
export interface StackSettings {
  /** EventBridge Scheduler expression, `rate(…)` or `cron(…)`. */
  schedule: string;
  /** IANA time zone the cron expression is evaluated in. */
  timeZone: string;
  /** Function memory in MB, 128–10240. */
  memoryMb: number;
  /** Function timeout in seconds, 1–900. */
  timeoutSeconds: number;
  /** Addresses subscribed to run notifications (each must confirm by email). */
  emails: string[];
  /** Run statuses that reach the email subscribers. */
  emailStatuses: RunStatus[];
  /** Addresses subscribed to the alarm topic. */
  alarmEmails: string[];
  /** Days before `<outputPrefix>runs/…` reports (and run claims) expire. */
  runsRetentionDays: number;
  /** Days the function's log group keeps events; a CloudWatch Logs retention value. */
  logRetentionDays: RetentionDays;
  /** The lowest level the function logs: DEBUG, INFO, WARN or ERROR (any case). */
  logLevel: LogLevel;
  /** Absolute path of a sources file deployed beside the stack; undefined = the one bundled in the build. */
  sourcesFile: string | undefined;
  /**
   * An `s3://bucket/key` sources object the deployer manages: set as SOURCES_URI, read granted;
   * exclusive with sourcesFile.
   */
  sourcesUri: string | undefined;
  /** Key prefix for every object the function writes, normalised to '' or 'something/'. */
  outputPrefix: string;
  /**
   * Minutes between two scheduled runs, the period of the run alarms. Derived from a `rate(…)`
   * schedule; required with `cron(…)` (the longest gap between runs, e.g. 1440 for daily).
   */
  schedulePeriodMinutes: number;
  /** The failed-sources alarm fires when a period's failed share of the checked sources exceeds this, 0–<1. */
  failedRatioThreshold: number;
  /** The missed-run alarm fires after this many schedule periods without a successful run, ≥ 2. */
  missedRunsAlarm: number;
  /**
   * `single`: the schedule invokes one function that does the whole run. `distributed`: the
   * schedule starts a Step Functions state machine that fans the sources out over worker
   * functions with a Distributed Map and merges their results.
   */
  mode: PipelineMode;
  /** distributed: sources per worker invocation (the Map's MaxItemsPerBatch), 1–10000. */
  batchSize: number;
  /** distributed: worker invocations running at once (the Map's MaxConcurrency), 1–10000. */
  maxConcurrency: number;
  /** distributed: share of worker batches, in %, that may fail before the execution fails, 0–100. */
  toleratedFailurePercentage: number;
  /**
   * distributed: how long one execution may take, in minutes, 1–1440; fetching ends one function
   * timeout before it so the merge can still report.
   */
  runTimeoutMinutes: number;
  /** `private`: the outputs stay in the private bucket; `public`: a CloudFront distribution serves them. */
  site: SiteMode;
  /** site=public: serve the run reports `<outputPrefix>runs/<runId>.json` too. */
  publishRuns: boolean;
  /** site=public: the site's own host name, e.g. `feeds.example.com`; needs certificateArn. */
  domainName: string | undefined;
  /** With domainName: the ARN of an ACM certificate in us-east-1 that covers it. */
  certificateArn: string | undefined;
  /** With domainName: the Route 53 hosted zone to create its A and AAAA alias records in. */
  hostedZoneId: string | undefined;
}

export const PIPELINE_MODES = ['single', 'distributed'] as const;
export type PipelineMode = (typeof PIPELINE_MODES)[number];

/**
 * Every setting's default but `schedulePeriodMinutes`, which follows from the schedule: the one
 * place they are written. The constructs take the settings as given, and the context-key tables
 * of docs/ are tested against this one.
 */
export const STACK_SETTING_DEFAULTS = Object.freeze<Omit<StackSettings, 'schedulePeriodMinutes'>>({
  schedule: 'rate(1 hour)',
  timeZone: 'UTC',
  memoryMb: 512,
  timeoutSeconds: 300, // 5 min: a few hundred sources at 10 s per attempt with bounded concurrency
  emails: [],
  emailStatuses: ['ok', 'partial', 'failed'], // every run
  alarmEmails: [],
  runsRetentionDays: 90,
  logRetentionDays: RetentionDays.ONE_MONTH,
  logLevel: DEFAULT_LOG_LEVEL,
  sourcesFile: undefined,
  sourcesUri: undefined,
  outputPrefix: '',
  failedRatioThreshold: 0.5,
  missedRunsAlarm: 3,
  mode: 'single',
  batchSize: 100,
  maxConcurrency: 20,
  toleratedFailurePercentage: 10,
  runTimeoutMinutes: 60, // 1 h
  site: 'private',
  publishRuns: false,
  domainName: undefined,
  certificateArn: undefined,
  hostedZoneId: undefined,
});

/** What every function of the pipeline is given: the stack's settings, defaults already filled in. */
export type FunctionSettings = Pick<StackSettings, 'memoryMb' | 'timeoutSeconds' | 'logRetentionDays' | 'logLevel'>;

const RUN_STATUSES: readonly RunStatus[] = ['ok', 'partial', 'failed'];
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
// Characters that would change the meaning of an IAM resource ARN or an S3 lifecycle filter.
const PREFIX_FORBIDDEN = /[*?$\\\s]|\.\.|^\//;
const RATE = /^rate\((\d+) (minute|hour|day)s?\)$/;
const MINUTES_PER = { minute: 1, hour: 60, day: 24 * 60 } as const;
// How far back a CloudWatch alarm may look: a day with periods under an hour, else a week.
const ALARM_LOOKBACK_SHORT_PERIODS = 24 * 60; // minutes
const ALARM_LOOKBACK = 7 * 24 * 60; // minutes

/**
 * Keys that mean something only beside another key's value (distributed mode, the public site):
 * given without it, they would be silently ignored.
 */
const MODE_ONLY: readonly {
  needs: string;
  applies: (settings: StackSettings) => boolean;
  keys: readonly (keyof StackSettings)[];
}[] = [
  {
    needs: 'mode=distributed',
    applies: (settings) => settings.mode === 'distributed',
    keys: ['batchSize', 'maxConcurrency', 'toleratedFailurePercentage', 'runTimeoutMinutes'],
  },
  {
    needs: 'site=public',
    applies: (settings) => settings.site === 'public',
    keys: ['publishRuns', 'domainName', 'certificateArn', 'hostedZoneId'],
  },
];

/** Every context key the stack reads: the settings table's, plus the one derived from the schedule. */
export const CONTEXT_KEYS: readonly string[] = [...Object.keys(STACK_SETTING_DEFAULTS), 'schedulePeriodMinutes'];

/**
 * The app's own context keys are plain identifiers; CDK's feature flags and lookups (`@aws-cdk/…`,
 * `aws:cdk:…`, `availability-zones:…`) never are, so they are not checked.
 */
const APP_KEY = /^[a-z][A-Za-z0-9]*$/;

/**
 * Reads and validates the stack settings from CDK context, filling in defaults.
 * Relative `sourcesFile` paths resolve against `cwd` (the project root when run by the CDK CLI).
 * Strict, as the sources file is: an unknown key (a typo would silently deploy the default) or a
 * distributed-mode key without `mode=distributed` is an error, and every problem is named at once.
 * @throws InvalidInputError (InvalidContextError for one problem) naming each context key at fault.
 */
export function stackSettingsFromContext(node: Node, cwd: string = process.cwd()): StackSettings {
  const get = (key: keyof StackSettings): unknown => node.tryGetContext(key);
  const d = STACK_SETTING_DEFAULTS;
  const problems: InvalidContextError[] = [];
  /** The value `read` gives, or the default when it throws, so the other keys are still checked. */
  const checked = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof InvalidContextError)) throw error;
      problems.push(error);
      return fallback;
    }
  };
  const schedule = checked(() => scheduleExpression(get('schedule') ?? d.schedule), d.schedule);
  const periodMinutes = checked(() => schedulePeriodMinutes(get('schedulePeriodMinutes'), schedule), 60);
  const timeoutSeconds = checked(
    () => integer('timeoutSeconds', get('timeoutSeconds') ?? d.timeoutSeconds, 1, 900, 'seconds'),
    d.timeoutSeconds,
  );
  const settings: StackSettings = {
    schedule,
    timeZone: checked(() => timeZone(get('timeZone') ?? d.timeZone), d.timeZone),
    memoryMb: checked(() => integer('memoryMb', get('memoryMb') ?? d.memoryMb, 128, 10_240, 'MB'), d.memoryMb),
    timeoutSeconds,
    emails: checked(() => emailList('emails', get('emails') ?? d.emails), d.emails),
    emailStatuses: checked(() => statusList(get('emailStatuses') ?? d.emailStatuses), d.emailStatuses),
    alarmEmails: checked(() => emailList('alarmEmails', get('alarmEmails') ?? d.alarmEmails), d.alarmEmails),
    runsRetentionDays: checked(
      () => integer('runsRetentionDays', get('runsRetentionDays') ?? d.runsRetentionDays, 1, 36_500, 'days'),
      d.runsRetentionDays,
    ),
    logRetentionDays: checked(() => logRetention(get('logRetentionDays') ?? d.logRetentionDays), d.logRetentionDays),
    logLevel: checked(() => logLevel(get('logLevel') ?? d.logLevel), d.logLevel),
    sourcesFile: checked(() => sourcesFile(get('sourcesFile'), cwd), d.sourcesFile),
    sourcesUri: checked(() => sourcesUri(get('sourcesUri'), get('sourcesFile')), d.sourcesUri),
    outputPrefix: checked(() => outputPrefix(get('outputPrefix') ?? d.outputPrefix), d.outputPrefix),
    schedulePeriodMinutes: periodMinutes,
    failedRatioThreshold: checked(
      () => ratio('failedRatioThreshold', get('failedRatioThreshold') ?? d.failedRatioThreshold),
      d.failedRatioThreshold,
    ),
    missedRunsAlarm: checked(() => missedRuns(get('missedRunsAlarm') ?? d.missedRunsAlarm, periodMinutes), 3),
    mode: checked(() => mode(get('mode') ?? d.mode), d.mode),
    batchSize: checked(() => integer('batchSize', get('batchSize') ?? d.batchSize, 1, 10_000, 'sources'), d.batchSize),
    maxConcurrency: checked(
      () => integer('maxConcurrency', get('maxConcurrency') ?? d.maxConcurrency, 1, 10_000, 'workers'),
      d.maxConcurrency,
    ),
    toleratedFailurePercentage: checked(
      () =>
        integer(
          'toleratedFailurePercentage',
          get('toleratedFailurePercentage') ?? d.toleratedFailurePercentage,
          0,
          100,
          'percent',
        ),
      d.toleratedFailurePercentage,
    ),
    runTimeoutMinutes: checked(
      () => runTimeout(get('runTimeoutMinutes') ?? d.runTimeoutMinutes, timeoutSeconds),
      d.runTimeoutMinutes,
    ),
    site: checked(() => siteMode(get('site') ?? d.site), d.site),
    publishRuns: checked(() => flag('publishRuns', get('publishRuns') ?? d.publishRuns), d.publishRuns),
    domainName: checked(() => domainName(get('domainName')), d.domainName),
    certificateArn: checked(() => certificateArn(get('certificateArn')), d.certificateArn),
    hostedZoneId: checked(() => hostedZoneId(get('hostedZoneId')), d.hostedZoneId),
  };
  problems.push(...unknownKeys(node), ...keysOutOfMode(node, settings));
  if (settings.site === 'public') {
    problems.push(
      ...domainProblems({
        domainName: get('domainName'),
        certificateArn: get('certificateArn'),
        hostedZoneId: get('hostedZoneId'),
      }),
    );
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    const listed = problems.map((error) => ({ field: error.field, problem: error.problem }));
    throw invalidInput('config', listed, 'the CDK context');
  }
  return settings;
}

function unknownKeys(node: Node): InvalidContextError[] {
  return Object.keys(node.getAllContext())
    .filter((key) => APP_KEY.test(key) && !CONTEXT_KEYS.includes(key))
    .map((key) => invalid(key, `unknown key${didYouMean(key, CONTEXT_KEYS)}`));
}

function keysOutOfMode(node: Node, settings: StackSettings): InvalidContextError[] {
  return MODE_ONLY.filter((mode) => !mode.applies(settings)).flatMap(({ keys, needs }) =>
    keys
      .filter((key) => node.tryGetContext(key) !== undefined)
      .map((key) => invalid(key, `applies only with ${needs}; give -c ${needs} or leave it out`)),
  );
}

function invalid(key: string, problem: string): InvalidContextError {
  return new InvalidContextError(key, problem);
}

function text(key: string, value: unknown): string {
  if (typeof value !== 'string') throw invalid(key, `must be a string, got ${JSON.stringify(value)}`);
  return value.trim();
}

function integer(key: string, value: unknown, min: number, max: number, unit: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw invalid(key, `must be a whole number of ${unit} from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A JSON array, or a comma-separated string as `-c key=a,b` delivers it. */
function list(key: string, value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) {
    throw invalid(key, `must be a list of strings or a comma-separated string, got ${JSON.stringify(value)}`);
  }
  return items.map((item: string) => item.trim()).filter((item) => item !== '');
}

function emailList(key: string, value: unknown): string[] {
  const emails = list(key, value);
  emails.forEach((email, i) => {
    if (!EMAIL.test(email)) throw invalid(`${key}[${i}]`, `not an email address: ${JSON.stringify(email)}`);
  });
  return [...new Set(emails)];
}

function statusList(value: unknown): RunStatus[] {
  const statuses = list('emailStatuses', value);
  if (statuses.length === 0) throw invalid('emailStatuses', `must name at least one of ${RUN_STATUSES.join(', ')}`);
  statuses.forEach((status, i) => {
    if (!(RUN_STATUSES as readonly string[]).includes(status)) {
      throw invalid(`emailStatuses[${i}]`, `must be one of ${RUN_STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
    }
  });
  return [...new Set(statuses)] as RunStatus[];
}

function scheduleExpression(value: unknown): string {
  const expression = text('schedule', value);
  if (!/^(rate|cron)\(.+\)$/.test(expression)) {
    throw invalid(
      'schedule',
      `must be a rate(…) or cron(…) expression such as "rate(1 hour)", got ${JSON.stringify(expression)}`,
    );
  }
  return expression;
}

function timeZone(value: unknown): string {
  const zone = text('timeZone', value);
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw invalid(
      'timeZone',
      `must be an IANA time zone such as "UTC" or "Europe/Berlin", got ${JSON.stringify(zone)}`,
    );
  }
  return zone;
}

function logRetention(value: unknown): RetentionDays {
  const days = integer('logRetentionDays', value, 1, 3653, 'days');
  const allowed = Object.values(RetentionDays).filter((v): v is RetentionDays => typeof v === 'number' && v <= 3653);
  if (!allowed.includes(days)) {
    throw invalid(
      'logRetentionDays',
      `must be one of the CloudWatch Logs retention values ${allowed.join(', ')}, got ${days}`,
    );
  }
  return days;
}

/** Read as the function reads the LOG_LEVEL it is given. */
function logLevel(value: unknown): LogLevel {
  return parseLogLevel(text('logLevel', value), (problem) => invalid('logLevel', problem));
}

function sourcesFile(value: unknown, cwd: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const path = resolve(cwd, text('sourcesFile', value));
  if (!existsSync(path) || !statSync(path).isFile()) throw invalid('sourcesFile', `no such file: ${path}`);
  // Its content is the stack's to read and validate, as the function will (see deployedSources).
  return path;
}

/** An object the deployer manages, read on every run: only the form, not the object, is checked at synth. */
function sourcesUri(value: unknown, file: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  const uri = text('sourcesUri', value);
  if (parseS3Uri(uri) === undefined) {
    throw invalid('sourcesUri', `must be an s3://bucket/key URI, got ${JSON.stringify(uri)}`);
  }
  if (file !== undefined && file !== '') throw invalid('sourcesUri', 'give sourcesFile or sourcesUri, not both');
  return uri;
}

/** Read as the function reads OUTPUT_PREFIX, so the grants cover the keys it writes. */
function outputPrefix(value: unknown): string {
  const prefix = text('outputPrefix', value);
  if (PREFIX_FORBIDDEN.test(prefix)) {
    throw invalid(
      'outputPrefix',
      'must be a plain key prefix such as "site/" (no leading "/", "..", "*", "?", "$", spaces), ' +
        `got ${JSON.stringify(prefix)}`,
    );
  }
  return normalizePrefix(prefix);
}

/** Given explicitly it wins; otherwise a `rate(…)` schedule says it, and a `cron(…)` one cannot. */
function schedulePeriodMinutes(value: unknown, schedule: string): number {
  if (value !== undefined && value !== '') return integer('schedulePeriodMinutes', value, 1, ALARM_LOOKBACK, 'minutes');
  const rate = RATE.exec(schedule);
  if (!rate) {
    throw invalid(
      'schedulePeriodMinutes',
      `cannot be derived from the schedule ${JSON.stringify(schedule)}: ` +
        'give the longest time between two scheduled runs in minutes, e.g. 1440 for a daily cron',
    );
  }
  return Number(rate[1]) * MINUTES_PER[rate[2] as keyof typeof MINUTES_PER];
}

function ratio(key: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n >= 1) {
    throw invalid(key, `must be a share from 0 up to but not including 1, such as 0.5, got ${JSON.stringify(value)}`);
  }
  return n;
}

function missedRuns(value: unknown, periodMinutes: number): number {
  // One period is not enough: the current period may simply not have reached its run yet.
  const periods = integer('missedRunsAlarm', value, 2, ALARM_LOOKBACK, 'schedule periods');
  const lookback = periodMinutes < 60 ? ALARM_LOOKBACK_SHORT_PERIODS : ALARM_LOOKBACK;
  if (periods * periodMinutes > lookback) {
    throw invalid(
      'missedRunsAlarm',
      `${periods} periods of ${periodMinutes} minutes is ${periods * periodMinutes} minutes, ` +
        `longer than the ${lookback} minutes ` +
        `a CloudWatch alarm with that period can look back; lower missedRunsAlarm or schedulePeriodMinutes`,
    );
  }
  return periods;
}

function mode(value: unknown): PipelineMode {
  const chosen = text('mode', value);
  if (!(PIPELINE_MODES as readonly string[]).includes(chosen)) {
    throw invalid('mode', `must be one of ${PIPELINE_MODES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return chosen as PipelineMode;
}

/** The merge step is kept one function timeout before the end, and the workers need time before it. */
function runTimeout(value: unknown, timeoutSeconds: number): number {
  const minutes = integer('runTimeoutMinutes', value, 1, 1440, 'minutes');
  if (minutes * 60 < 2 * timeoutSeconds) {
    throw invalid(
      'runTimeoutMinutes',
      `${minutes} minutes leaves the workers no time: ` +
        `fetching stops one function timeout (${timeoutSeconds} s) before the end, ` +
        `so give at least twice timeoutSeconds (${Math.ceil((2 * timeoutSeconds) / 60)} minutes)`,
    );
  }
  return minutes;
}
