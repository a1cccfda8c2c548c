import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createLogger, describeError } from '../../../lambda/adapters/logger.js';
import { InvalidInputError } from '../../../lambda/core/errors.js';
import { readLogLevel } from '../../../lambda/core/logLevel.js';
import { jsonLinesWrittenBy } from './writtenLines.js';

// Powertools reads these when a logger is made; pin them so the machine running the tests cannot change the output.
beforeEach(() => {
  for (const name of [
    'POWERTOOLS_DEV',
    'POWERTOOLS_LOG_LEVEL',
    'AWS_LAMBDA_LOG_LEVEL',
    'LOG_LEVEL',
    'POWERTOOLS_LOGGER_SAMPLE_RATE',
    'TZ',
  ]) {
    vi.stubEnv(name, undefined);
  }
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the log level from LOG_LEVEL', () => {
  test('is INFO when unset or empty', () => {
    expect(readLogLevel({})).toBe('INFO');
    expect(readLogLevel({ LOG_LEVEL: ' ' })).toBe('INFO');
  });

  test('accepts DEBUG, INFO, WARN and ERROR in any case', () => {
    expect(readLogLevel({ LOG_LEVEL: 'debug' })).toBe('DEBUG');
    expect(readLogLevel({ LOG_LEVEL: 'Warn' })).toBe('WARN');
    expect(readLogLevel({ LOG_LEVEL: 'ERROR' })).toBe('ERROR');
  });

  test('rejects anything else, naming LOG_LEVEL and the allowed values', () => {
    const attempt = () => readLogLevel({ LOG_LEVEL: 'verbose' });
    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow('LOG_LEVEL: must be one of DEBUG, INFO, WARN, ERROR, not "verbose"');
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_config', field: 'LOG_LEVEL' });
    }
  });
});

describe('the logger', () => {
  test('writes one JSON object per line with level, message, timestamp, service and the fields passed', () => {
    const lines = jsonLinesWrittenBy(() =>
      createLogger('INFO').info({ message: 'source fetched', runId: 'r1', sourceId: 'news' }),
    );
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'source fetched',
      service: 'tributary',
      runId: 'r1',
      sourceId: 'news',
    });
    expect(new Date(line!.timestamp).toISOString()).toBe(line!.timestamp);
  });

  test('drops lines below its level', () => {
    const lines = jsonLinesWrittenBy(() => {
      const logger = createLogger('WARN');
      logger.debug('debug line');
      logger.info('info line');
      logger.warn('warn line');
      logger.error('error line');
    });
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['WARN', 'warn line'],
      ['ERROR', 'error line'],
    ]);
  });

  test("uses the level it is given over Powertools' own environment variables", () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.stubEnv('LOG_LEVEL', 'DEBUG');
    const lines = jsonLinesWrittenBy(() => createLogger('ERROR').info('info line'));
    expect(lines).toEqual([]);
  });
});

describe('an error described for the log', () => {
  test('keeps name, code, message and the chain of causes', () => {
    const root = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = Object.assign(new Error('could not write feed.json', { cause: root }), {
      name: 'StoreError',
      code: 'store',
    });
    expect(describeError(error)).toEqual({
      name: 'StoreError',
      code: 'store',
      message: 'could not write feed.json',
      cause: { name: 'Error', code: 'ECONNRESET', message: 'socket hang up' },
    });
  });

  test('leaves out everything else an error carries, such as an SDK error holding the raw response', () => {
    const error = Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $response: { statusCode: 403, body: '<Error><HostId>secret-host-id</HostId></Error>' },
      $metadata: { requestId: 'abc' },
    });
    const described = JSON.stringify(describeError(error));
    expect(described).not.toContain('secret-host-id');
    expect(described).not.toContain('$response');
  });

  test('strips credentials and query strings from URLs in messages', () => {
    const error = new Error('unexpected error while fetching https://user:pw@example.com/feed?key=k3y: boom');
    expect(describeError(error).message).toBe('unexpected error while fetching https://example.com/feed: boom');
  });

  test('describes a thrown non-Error by its type and text', () => {
    expect(describeError('plain string')).toEqual({ name: 'string', message: 'plain string' });
  });

  test('stops following causes after three levels', () => {
    let error = new Error('level 5');
    for (let level = 4; level >= 0; level -= 1) error = new Error(`level ${level}`, { cause: error });
    let depth = 0;
    for (let described = describeError(error).cause; described; described = described.cause) depth += 1;
    expect(depth).toBe(3);
  });
});
