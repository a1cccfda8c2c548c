import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { InvalidInputError } from '../lambda/errors.js';
import type { RunStatus } from '../lambda/model.js';
import { PIPELINE_FUNCTION_DEFAULTS } from './pipelineFunction.js';

/**
 * Everything a deployer may change, read once from CDK context (`cdk.json` or `-c key=value`).
 * Values given on the command line arrive as strings, so numbers and lists also accept their text forms.
 */
export interface StackSettings {
  /** EventBridge Scheduler expression, `rate(…)` or `cron(…)`. @default 'rate(1 hour)' */
  schedule: string;
  /** IANA time zone the cron expression is evaluated in. @default 'UTC' */
  timeZone: string;
  /** Function memory in MB, 128–10240. @default 512 */
  memoryMb: number;
  /** Function timeout in seconds, 1–900. @default 300 (5 min) */
  timeoutSeconds: number;
  /** Addresses subscribed to run notifications (each must confirm by email). @default [] */
  emails: string[];
  /** Run statuses that reach the email subscribers. @default ['ok', 'partial', 'failed'] (every run) */
  emailStatuses: RunStatus[];
  /** Addresses subscribed to the alarm topic. @default [] */
  alarmEmails: string[];
  /** Days before `<outputPrefix>runs/…` reports (and run claims) expire. @default 90 */
  runsRetentionDays: number;
  /** Days the function's log group keeps events; a CloudWatch Logs retention value. @default 30 */
  logRetentionDays: RetentionDays;
  /** Absolute path of a sources file deployed beside the stack; undefined = the one bundled in the build. @default undefined */
  sourcesFile: string | undefined;
  /** Key prefix for every object the function writes, normalised to '' or 'something/'. @default '' */
  outputPrefix: string;
}

export const STACK_SETTING_DEFAULTS: Readonly<StackSettings> = Object.freeze<StackSettings>({
  schedule: 'rate(1 hour)',
  timeZone: 'UTC',
  memoryMb: PIPELINE_FUNCTION_DEFAULTS.memoryMb,
  timeoutSeconds: PIPELINE_FUNCTION_DEFAULTS.timeoutSeconds,
  emails: [],
  emailStatuses: ['ok', 'partial', 'failed'],
  alarmEmails: [],
  runsRetentionDays: 90,
  logRetentionDays: PIPELINE_FUNCTION_DEFAULTS.logRetention,
  sourcesFile: undefined,
  outputPrefix: '',
});

const RUN_STATUSES: readonly RunStatus[] = ['ok', 'partial', 'failed'];
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
// Characters that would change the meaning of an IAM resource ARN or an S3 lifecycle filter.
const PREFIX_FORBIDDEN = /[*?$\\\s]|\.\.|^\//;

/**
 * Reads and validates the stack settings from CDK context, filling in defaults.
 * Relative `sourcesFile` paths resolve against `cwd` (the project root when run by the CDK CLI).
 * @throws InvalidInputError naming the context key at fault.
 */
export function stackSettingsFromContext(node: Node, cwd: string = process.cwd()): StackSettings {
  const get = (key: keyof StackSettings): unknown => node.tryGetContext(key);
  const d = STACK_SETTING_DEFAULTS;
  return {
    schedule: scheduleExpression(get('schedule') ?? d.schedule),
    timeZone: timeZone(get('timeZone') ?? d.timeZone),
    memoryMb: integer('memoryMb', get('memoryMb') ?? d.memoryMb, 128, 10_240, 'MB'),
    timeoutSeconds: integer('timeoutSeconds', get('timeoutSeconds') ?? d.timeoutSeconds, 1, 900, 'seconds'),
    emails: emailList('emails', get('emails') ?? d.emails),
    emailStatuses: statusList(get('emailStatuses') ?? d.emailStatuses),
    alarmEmails: emailList('alarmEmails', get('alarmEmails') ?? d.alarmEmails),
    runsRetentionDays: integer('runsRetentionDays', get('runsRetentionDays') ?? d.runsRetentionDays, 1, 36_500, 'days'),
    logRetentionDays: logRetention(get('logRetentionDays') ?? d.logRetentionDays),
    sourcesFile: sourcesFile(get('sourcesFile'), cwd),
    outputPrefix: outputPrefix(get('outputPrefix') ?? d.outputPrefix),
  };
}

function invalid(key: string, problem: string): InvalidInputError {
  return new InvalidInputError('config', `context.${key}`, problem);
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
    throw invalid('schedule', `must be a rate(…) or cron(…) expression such as "rate(1 hour)", got ${JSON.stringify(expression)}`);
  }
  return expression;
}

function timeZone(value: unknown): string {
  const zone = text('timeZone', value);
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw invalid('timeZone', `must be an IANA time zone such as "UTC" or "Europe/Berlin", got ${JSON.stringify(zone)}`);
  }
  return zone;
}

function logRetention(value: unknown): RetentionDays {
  const days = integer('logRetentionDays', value, 1, 3653, 'days');
  const allowed = Object.values(RetentionDays).filter((v): v is RetentionDays => typeof v === 'number' && v <= 3653);
  if (!allowed.includes(days)) {
    throw invalid('logRetentionDays', `must be one of the CloudWatch Logs retention values ${allowed.join(', ')}, got ${days}`);
  }
  return days;
}

function sourcesFile(value: unknown, cwd: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const path = resolve(cwd, text('sourcesFile', value));
  if (!existsSync(path) || !statSync(path).isFile()) throw invalid('sourcesFile', `no such file: ${path}`);
  try {
    JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InvalidInputError('config', 'context.sourcesFile', `${path} is not valid JSON`, { cause });
  }
  return path;
}

/** `site` and `site/` mean the same (see the contract), so the stack always works with the slash form. */
function outputPrefix(value: unknown): string {
  const prefix = text('outputPrefix', value);
  if (prefix === '') return '';
  if (PREFIX_FORBIDDEN.test(prefix)) {
    throw invalid('outputPrefix', `must be a plain key prefix such as "site/" (no leading "/", "..", "*", "?", "$", spaces), got ${JSON.stringify(prefix)}`);
  }
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}
