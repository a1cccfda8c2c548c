import { Logger } from '@aws-lambda-powertools/logger';
import { DEFAULT_LOG_LEVEL, type LogLevel } from '../core/logLevel.js';
import { redactUrls } from '../core/redactUrl.js';

/** The `service` key of every line, so the pipeline's lines are easy to pick out of a shared log view. */
const SERVICE_NAME = 'tributary';
/** Causes deeper than this are an SDK's internals, not something an operator acts on. */
const MAX_CAUSE_DEPTH = 3;

/** The logging calls the pipeline makes; a Powertools `Logger` is one, and so is a test double. */
export type LogWriter = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** What a log line says about an error: its kind and words, never the objects hanging off it. */
export interface LoggedError {
  name: string;
  message: string;
  code?: string;
  cause?: LoggedError;
}

/**
 * A Powertools logger: one JSON object per line with `level`, `message`, `timestamp` and
 * `service`, plus exactly the fields each call passes. Lambda ships the lines to CloudWatch Logs.
 * The level given here wins over Powertools' own environment variables.
 */
export function createLogger(level: LogLevel = DEFAULT_LOG_LEVEL): Logger {
  return new Logger({ serviceName: SERVICE_NAME, logLevel: level });
}

/**
 * An error made safe to log. Passing the error object itself would let the logger serialise every
 * enumerable property, and an AWS SDK error carries the raw HTTP response; URLs in messages lose
 * their credentials and query strings.
 */
export function describeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { name: typeof error, message: redactUrls(String(error)) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: redactUrls(error.message),
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.cause !== undefined && depth < MAX_CAUSE_DEPTH ? { cause: describeError(error.cause, depth + 1) } : {}),
  };
}
