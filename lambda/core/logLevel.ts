import { InvalidInputError } from './errors.js';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DEFAULT_LOG_LEVEL: LogLevel = 'INFO';

/**
 * The level `value` names, in any case with blanks around; unset or blank means INFO. Shared by
 * the function's LOG_LEVEL and the stack's logLevel context key, which sets it.
 * @throws what `invalid` makes of the problem, for any other value, so a typo is not silently ignored.
 */
export function parseLogLevel(value: string | undefined, invalid: (problem: string) => Error): LogLevel {
  const level = value?.trim().toUpperCase();
  if (!level) return DEFAULT_LOG_LEVEL;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw invalid(`must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(value)}`);
  }
  return level as LogLevel;
}

/** Reads `LOG_LEVEL`. @throws InvalidInputError naming LOG_LEVEL for a value that is no level. */
export function readLogLevel(env: Record<string, string | undefined> = process.env): LogLevel {
  return parseLogLevel(env.LOG_LEVEL, (problem) => new InvalidInputError('config', 'LOG_LEVEL', problem));
}
