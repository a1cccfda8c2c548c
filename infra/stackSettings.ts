import { existsSync, statSync } from 'node:fs';

import { resolve } from 'node:path';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { DEFAULT_LOG_LEVEL, type LogLevel, parseLogLevel } from '../lambda/core/logLevel.js';
import type { RunStatus } from '../lambda/core/model.js';
import { normalizePrefix } from '../lambda/core/outputPrefix.js';
import { InvalidContextError } from './errors.js';

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
  outputPrefix: '',
  failedRatioThreshold: 0.5,
  missedRunsAlarm: 3,
  mode: 'single',
  batchSize: 100,
  maxConcurrency: 20,
  toleratedFailurePercentage: 10,
  runTimeoutMinutes: 60, // 1 h
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
 * Reads and validates the stack settings from CDK context, filling in defaults.
 * Relative `sourcesFile` paths resolve against `cwd` (the project root when run by the CDK CLI).
 * @throws InvalidContextError naming the context key at fault.
 */
export function stackSettingsFromContext(node: Node, cwd: string = process.cwd()): StackSettings {
  const get = (key: keyof StackSettings): unknown => node.tryGetContext(key);
  const d = STACK_SETTING_DEFAULTS;
  const schedule = scheduleExpression(get('schedule') ?? d.schedule);
  const periodMinutes = schedulePeriodMinutes(get('schedulePeriodMinutes'), schedule);
  const timeoutSeconds = integer('timeoutSeconds', get('timeoutSeconds') ?? d.timeoutSeconds, 1, 900, 'seconds');
  return {
    schedule,
    timeZone: timeZone(get('timeZone') ?? d.timeZone),
    memoryMb: integer('memoryMb', get('memoryMb') ?? d.memoryMb, 128, 10_240, 'MB'),
    timeoutSeconds,
    emails: emailList('emails', get('emails') ?? d.emails),
    emailStatuses: statusList(get('emailStatuses') ?? d.emailStatuses),
    alarmEmails: emailList('alarmEmails', get('alarmEmails') ?? d.alarmEmails),
    runsRetentionDays: integer('runsRetentionDays', get('runsRetentionDays') ?? d.runsRetentionDays, 1, 36_500, 'days'),
    logRetentionDays: logRetention(get('logRetentionDays') ?? d.logRetentionDays),
    logLevel: logLevel(get('logLevel') ?? d.logLevel),
    sourcesFile: sourcesFile(get('sourcesFile'), cwd),
    outputPrefix: outputPrefix(get('outputPrefix') ?? d.outputPrefix),
    schedulePeriodMinutes: periodMinutes,
    failedRatioThreshold: ratio('failedRatioThreshold', get('failedRatioThreshold') ?? d.failedRatioThreshold),
    missedRunsAlarm: missedRuns(get('missedRunsAlarm') ?? d.missedRunsAlarm, periodMinutes),
    mode: mode(get('mode') ?? d.mode),
    batchSize: integer('batchSize', get('batchSize') ?? d.batchSize, 1, 10_000, 'sources'),
    maxConcurrency: integer('maxConcurrency', get('maxConcurrency') ?? d.maxConcurrency, 1, 10_000, 'workers'),
    toleratedFailurePercentage: integer(
      'toleratedFailurePercentage',
      get('toleratedFailurePercentage') ?? d.toleratedFailurePercentage,
      0,
      100,
      'percent',
    ),
    runTimeoutMinutes: runTimeout(get('runTimeoutMinutes') ?? d.runTimeoutMinutes, timeoutSeconds),
  };
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
      `cannot be derived from the schedule ${JSON.stringify(schedule)}: give the longest time between two scheduled runs in minutes, e.g. 1440 for a daily cron`,
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
      `${periods} periods of ${periodMinutes} minutes is ${periods * periodMinutes} minutes, longer than the ${lookback} minutes ` +
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
      `${minutes} minutes leaves the workers no time: fetching stops one function timeout (${timeoutSeconds} s) before the end, ` +
        `so give at least twice timeoutSeconds (${Math.ceil((2 * timeoutSeconds) / 60)} minutes)`,
    );
  }
  return minutes;
}
