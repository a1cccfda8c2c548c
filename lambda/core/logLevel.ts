import { InvalidInputError } from './errors.js';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DEFAULT_LOG_LEVEL: LogLevel = 'INFO';

/**
 * Reads `LOG_LEVEL` (DEBUG, INFO, WARN or ERROR, any case); unset or empty means INFO.
 * @throws InvalidInputError naming LOG_LEVEL for any other value, so a typo is not silently ignored.
 */
export function readLogLevel(env: Record<string, string | undefined> = process.env): LogLevel {
  const value = env.LOG_LEVEL?.trim().toUpperCase();
  if (!value) return DEFAULT_LOG_LEVEL;
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new InvalidInputError(
      'config',
      'LOG_LEVEL',
      `must be one of ${LOG_LEVELS.join(', ')}, not "${env.LOG_LEVEL}"`,
    );
  }
  return value as LogLevel;
}
