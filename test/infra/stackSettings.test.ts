import { App } from 'aws-cdk-lib';
import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../lambda/errors.js';
import { STACK_SETTING_DEFAULTS, stackSettingsFromContext, type StackSettings } from '../../infra/stackSettings.js';
import { fixture } from './synthTributary.js';

const settingsFor = (context: Record<string, unknown>, cwd?: string): StackSettings =>
  stackSettingsFromContext(new App({ context }).node, cwd);

function errorFor(context: Record<string, unknown>): InvalidInputError {
  try {
    settingsFor(context);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(context)} to be rejected`);
}

describe('stack settings from CDK context', () => {
  test('an empty context gives the documented defaults', () => {
    expect(settingsFor({})).toEqual({
      schedule: 'rate(1 hour)',
      timeZone: 'UTC',
      memoryMb: 512,
      timeoutSeconds: 300,
      emails: [],
      emailStatuses: ['ok', 'partial', 'failed'],
      alarmEmails: [],
      runsRetentionDays: 90,
      logRetentionDays: 30,
      sourcesFile: undefined,
      outputPrefix: '',
    });
    expect(settingsFor({})).toEqual(STACK_SETTING_DEFAULTS);
  });

  test('values typed on the command line (-c key=value arrive as strings) are parsed', () => {
    const settings = settingsFor({
      memoryMb: '1024',
      timeoutSeconds: '60',
      runsRetentionDays: '7',
      logRetentionDays: '14',
      emails: 'a@example.com, b@example.com,',
      emailStatuses: 'partial,failed',
      alarmEmails: 'ops@example.com',
    });
    expect(settings).toMatchObject({
      memoryMb: 1024,
      timeoutSeconds: 60,
      runsRetentionDays: 7,
      logRetentionDays: 14,
      emails: ['a@example.com', 'b@example.com'],
      emailStatuses: ['partial', 'failed'],
      alarmEmails: ['ops@example.com'],
    });
  });

  test('cdk.json values keep their JSON types', () => {
    const settings = settingsFor({ memoryMb: 2048, emails: ['a@example.com', 'a@example.com'], schedule: 'cron(0 6 * * ? *)', timeZone: 'Europe/Berlin' });
    expect(settings).toMatchObject({ memoryMb: 2048, emails: ['a@example.com'], schedule: 'cron(0 6 * * ? *)', timeZone: 'Europe/Berlin' });
  });

  test.each([
    ['site', 'site/'],
    ['site/', 'site/'],
    ['feeds/tech', 'feeds/tech/'],
    ['', ''],
  ])('output prefix %j means %j', (given, expected) => {
    expect(settingsFor({ outputPrefix: given }).outputPrefix).toBe(expected);
  });

  test('a relative sources file resolves against the project directory', () => {
    const settings = settingsFor({ sourcesFile: 'infra/sources.json' }, fixture('..'));
    expect(settings.sourcesFile).toBe(fixture('sources.json'));
  });

  test.each([
    [{ memoryMb: 64 }, 'context.memoryMb: must be a whole number of MB from 128 to 10240, got 64'],
    [{ memoryMb: 'lots' }, 'context.memoryMb: must be a whole number of MB from 128 to 10240, got "lots"'],
    [{ timeoutSeconds: 901 }, 'context.timeoutSeconds: must be a whole number of seconds from 1 to 900, got 901'],
    [{ timeoutSeconds: 1.5 }, 'context.timeoutSeconds: must be a whole number of seconds from 1 to 900, got 1.5'],
    [{ runsRetentionDays: 0 }, 'context.runsRetentionDays: must be a whole number of days from 1 to 36500, got 0'],
    [{ logRetentionDays: 10 }, 'context.logRetentionDays: must be one of the CloudWatch Logs retention values'],
    [{ schedule: 'every hour' }, 'context.schedule: must be a rate(…) or cron(…) expression'],
    [{ schedule: 42 }, 'context.schedule: must be a string, got 42'],
    [{ timeZone: 'Mars/Olympus' }, 'context.timeZone: must be an IANA time zone'],
    [{ emails: ['ops@example.com', 'not an address'] }, 'context.emails[1]: not an email address: "not an address"'],
    [{ emails: { to: 'a@example.com' } }, 'context.emails: must be a list of strings or a comma-separated string'],
    [{ alarmEmails: 'ops' }, 'context.alarmEmails[0]: not an email address: "ops"'],
    [{ emailStatuses: ['failed', 'broken'] }, 'context.emailStatuses[1]: must be one of ok, partial, failed, got "broken"'],
    [{ emailStatuses: [] }, 'context.emailStatuses: must name at least one of ok, partial, failed'],
    [{ outputPrefix: '/site' }, 'context.outputPrefix: must be a plain key prefix'],
    [{ outputPrefix: 'site/*' }, 'context.outputPrefix: must be a plain key prefix'],
    [{ outputPrefix: '../elsewhere' }, 'context.outputPrefix: must be a plain key prefix'],
    [{ sourcesFile: '/nonexistent/sources.json' }, 'context.sourcesFile: no such file: /nonexistent/sources.json'],
    [{ sourcesFile: fixture('not-json.json') }, `context.sourcesFile: ${fixture('not-json.json')} is not valid JSON`],
  ])('rejects %j naming the key: %s', (context, message) => {
    const error = errorFor(context);
    expect(error.code).toBe('invalid_config');
    expect(error.message.slice(0, message.length)).toBe(message);
  });
});
