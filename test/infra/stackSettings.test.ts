import { App } from 'aws-cdk-lib';
import { describe, expect, test } from 'vitest';
import { CertificateRegionError, InvalidContextError, InvalidInputError } from '../../infra/errors.js';
import { STACK_SETTING_DEFAULTS, type StackSettings, stackSettingsFromContext } from '../../infra/stackSettings.js';
import { readLogLevel } from '../../lambda/core/logLevel.js';
import { readLambdaConfig } from '../../lambda/main/config.js';
import { markdownTables, referencePages } from '../support/markdownTables.js';
import { thrownBy } from '../support/thrownBy.js';
import { fixture } from './synthTributary.js';

const settingsFor = (context: Record<string, unknown>, cwd?: string): StackSettings =>
  stackSettingsFromContext(new App({ context }).node, cwd);

const errorFor = (context: Record<string, unknown>): InvalidContextError =>
  thrownBy(InvalidContextError, () => settingsFor(context));

describe('strict CDK context', () => {
  const problemsFor = (context: Record<string, unknown>) =>
    thrownBy(InvalidInputError, () => settingsFor(context)).message;

  test('an unknown key fails with the key it was probably meant to be', () => {
    expect(errorFor({ memroyMb: '1024' }).message).toBe('context.memroyMb: unknown key (did you mean "memoryMb"?)');
  });

  test('every problem is named at once: typos, bad values and keys of another mode', () => {
    expect(problemsFor({ memroyMb: '1024', timout: '60', batchSize: '50', logLevel: 'LOUD' })).toBe(
      [
        'the CDK context: 4 problems',
        '  context.logLevel: must be one of DEBUG, INFO, WARN, ERROR, not "LOUD"',
        '  context.memroyMb: unknown key (did you mean "memoryMb"?)',
        '  context.timout: unknown key (did you mean "timeoutSeconds"?)',
        '  context.batchSize: applies only with mode=distributed; give -c mode=distributed or leave it out',
      ].join('\n'),
    );
  });

  test('distributed-mode keys are taken with mode=distributed', () => {
    expect(settingsFor({ mode: 'distributed', batchSize: '50' }).batchSize).toBe(50);
  });

  test("CDK's own context (feature flags, lookups) is not the app's to check", () => {
    expect(() =>
      settingsFor({ '@aws-cdk/core:newStyleStackSynthesis': true, 'aws:cdk:enable-path-metadata': true }),
    ).not.toThrow();
  });

  test('sourcesUri takes an s3:// object, not together with sourcesFile', () => {
    expect(settingsFor({ sourcesUri: 's3://my-bucket/feeds/sources.json' }).sourcesUri).toBe(
      's3://my-bucket/feeds/sources.json',
    );
    expect(errorFor({ sourcesUri: 'my-bucket/sources.json' }).message).toBe(
      'context.sourcesUri: must be an s3://bucket/key URI, got "my-bucket/sources.json"',
    );
    expect(errorFor({ sourcesUri: 's3://b/k.json', sourcesFile: 'package.json' }).message).toBe(
      'context.sourcesUri: give sourcesFile or sourcesUri, not both',
    );
  });
});

describe('the public site keys', () => {
  const problemsFor = (context: Record<string, unknown>) =>
    thrownBy(InvalidInputError, () => settingsFor(context)).message;
  const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

  test('take a custom domain with its certificate and zone, and publishRuns as -c gives it', () => {
    expect(
      settingsFor({
        site: 'public',
        publishRuns: 'true',
        domainName: 'Feeds.Example.com.',
        certificateArn: CERTIFICATE,
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      }),
    ).toMatchObject({
      site: 'public',
      publishRuns: true,
      domainName: 'feeds.example.com',
      certificateArn: CERTIFICATE,
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    });
  });

  test('refuse a certificate outside us-east-1 in one line naming the key and the region', () => {
    const error = thrownBy(CertificateRegionError, () =>
      settingsFor({
        site: 'public',
        domainName: 'feeds.example.com',
        certificateArn: CERTIFICATE.replace('us-east-1', 'eu-west-1'),
      }),
    );
    expect(error).toMatchObject({ code: 'invalid_config', field: 'context.certificateArn', region: 'eu-west-1' });
    expect(error.message).toBe(
      'context.certificateArn: is in eu-west-1, but CloudFront takes certificates from us-east-1 only: ' +
        'request or import the certificate in us-east-1 and give that ARN',
    );
    expect(error.message).not.toContain('\n');
  });

  test('fail the synth when given without site=public, naming every one of them', () => {
    expect(
      problemsFor({
        publishRuns: 'true',
        domainName: 'feeds.example.com',
        certificateArn: CERTIFICATE,
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      }),
    ).toBe(
      [
        'the CDK context: 4 problems',
        ...['publishRuns', 'domainName', 'certificateArn', 'hostedZoneId'].map(
          (key) => `  context.${key}: applies only with site=public; give -c site=public or leave it out`,
        ),
      ].join('\n'),
    );
    expect(errorFor({ site: 'private', publishRuns: 'false' }).message).toBe(
      'context.publishRuns: applies only with site=public; give -c site=public or leave it out',
    );
  });

  test('a domain needs its certificate, and the certificate and zone need the domain', () => {
    expect(errorFor({ site: 'public', domainName: 'feeds.example.com' }).message).toBe(
      'context.certificateArn: is required with domainName: ' +
        'the ARN of an ACM certificate in us-east-1 that covers the domain',
    );
    expect(problemsFor({ site: 'public', certificateArn: CERTIFICATE, hostedZoneId: 'Z0123456789ABCDEFGHIJ' })).toBe(
      [
        'the CDK context: 2 problems',
        '  context.certificateArn: applies only with domainName; give -c domainName=… or leave it out',
        '  context.hostedZoneId: applies only with domainName; give -c domainName=… or leave it out',
      ].join('\n'),
    );
  });

  test.each([
    [{ site: 'yes' }, 'context.site: must be one of private, public, got "yes"'],
    [{ site: 'public', publishRuns: 'yes' }, 'context.publishRuns: must be true or false, got "yes"'],
    [
      { site: 'public', domainName: 'https://feeds.example.com/', certificateArn: CERTIFICATE },
      'context.domainName: must be a host name such as feeds.example.com, got "https://feeds.example.com/"',
    ],
    [
      {
        site: 'public',
        domainName: 'feeds.example.com',
        certificateArn: 'arn:aws:iam::123456789012:server-certificate/x',
      },
      'context.certificateArn: must be an ACM certificate ARN',
    ],
    [
      { site: 'public', domainName: 'feeds.example.com', certificateArn: CERTIFICATE, hostedZoneId: 'example.com' },
      'context.hostedZoneId: must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got "example.com"',
    ],
  ])('reject %j naming the key', (context, message) => {
    expect(errorFor(context).message.slice(0, message.length)).toBe(message);
  });

  test('a misspelt key is pointed to the site key it was meant to be', () => {
    expect(errorFor({ site: 'public', publishRun: 'true' }).message).toBe(
      'context.publishRun: unknown key (did you mean "publishRuns"?)',
    );
  });
});

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
      logLevel: 'INFO',
      sourcesFile: undefined,
      sourcesUri: undefined,
      outputPrefix: '',
      schedulePeriodMinutes: 60,
      failedRatioThreshold: 0.5,
      missedRunsAlarm: 3,
      mode: 'single',
      batchSize: 100,
      maxConcurrency: 20,
      toleratedFailurePercentage: 10,
      runTimeoutMinutes: 60,
      site: 'private',
      publishRuns: false,
      domainName: undefined,
      certificateArn: undefined,
      hostedZoneId: undefined,
    });
    // The schedule period is no default of its own: it follows from the default schedule.
    expect(settingsFor({})).toEqual({ ...STACK_SETTING_DEFAULTS, schedulePeriodMinutes: 60 });
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
      schedulePeriodMinutes: '30',
      failedRatioThreshold: '0.25',
      missedRunsAlarm: '4',
      logLevel: ' debug ',
      mode: 'distributed',
      batchSize: '250',
      maxConcurrency: '50',
      toleratedFailurePercentage: '0',
      runTimeoutMinutes: '120',
    });
    expect(settings).toMatchObject({
      schedulePeriodMinutes: 30,
      failedRatioThreshold: 0.25,
      missedRunsAlarm: 4,
      memoryMb: 1024,
      timeoutSeconds: 60,
      runsRetentionDays: 7,
      logRetentionDays: 14,
      emails: ['a@example.com', 'b@example.com'],
      emailStatuses: ['partial', 'failed'],
      alarmEmails: ['ops@example.com'],
      logLevel: 'DEBUG',
      mode: 'distributed',
      batchSize: 250,
      maxConcurrency: 50,
      toleratedFailurePercentage: 0,
      runTimeoutMinutes: 120,
    });
  });

  test('cdk.json values keep their JSON types', () => {
    const settings = settingsFor({
      memoryMb: 2048,
      emails: ['a@example.com', 'a@example.com'],
      schedule: 'cron(0 6 * * ? *)',
      timeZone: 'Europe/Berlin',
      schedulePeriodMinutes: 1440,
      failedRatioThreshold: 0,
    });
    expect(settings).toMatchObject({
      memoryMb: 2048,
      emails: ['a@example.com'],
      schedule: 'cron(0 6 * * ? *)',
      timeZone: 'Europe/Berlin',
      schedulePeriodMinutes: 1440,
      failedRatioThreshold: 0,
    });
  });

  test.each([
    ['rate(1 minute)', 1],
    ['rate(5 minutes)', 5],
    ['rate(2 hours)', 120],
    ['rate(1 day)', 1440],
  ])('the schedule period of %s is %d minutes', (schedule, minutes) => {
    expect(settingsFor({ schedule }).schedulePeriodMinutes).toBe(minutes);
  });

  test('a schedule period given explicitly wins over the one a rate implies', () => {
    expect(settingsFor({ schedule: 'rate(1 hour)', schedulePeriodMinutes: 90 }).schedulePeriodMinutes).toBe(90);
  });

  test.each([
    ['site', 'site/'],
    ['site/', 'site/'],
    ['feeds/tech', 'feeds/tech/'],
    ['', ''],
  ])('output prefix %j means %j', (given, expected) => {
    expect(settingsFor({ outputPrefix: given }).outputPrefix).toBe(expected);
  });

  test.each(['site', 'site/', 'site//', 'feeds/tech', ''])(
    'output prefix %j is read as the function reads it from OUTPUT_PREFIX, so the grants cover its keys',
    (given) => {
      const functionReads = readLambdaConfig({ OUTPUT_BUCKET: 'bucket', OUTPUT_PREFIX: given }).outputPrefix;
      expect(settingsFor({ outputPrefix: given }).outputPrefix).toBe(functionReads);
    },
  );

  test.each(['debug', ' Warn ', 'ERROR', ''])('log level %j is read as the function reads LOG_LEVEL', (given) => {
    expect(settingsFor({ logLevel: given }).logLevel).toBe(readLogLevel({ LOG_LEVEL: given }));
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
    [{ logLevel: 'verbose' }, 'context.logLevel: must be one of DEBUG, INFO, WARN, ERROR, not "verbose"'],
    [{ logLevel: 2 }, 'context.logLevel: must be a string, got 2'],
    [{ schedule: 'every hour' }, 'context.schedule: must be a rate(…) or cron(…) expression'],
    [{ schedule: 42 }, 'context.schedule: must be a string, got 42'],
    [{ timeZone: 'Mars/Olympus' }, 'context.timeZone: must be an IANA time zone'],
    [{ emails: ['ops@example.com', 'not an address'] }, 'context.emails[1]: not an email address: "not an address"'],
    [{ emails: { to: 'a@example.com' } }, 'context.emails: must be a list of strings or a comma-separated string'],
    [{ alarmEmails: 'ops' }, 'context.alarmEmails[0]: not an email address: "ops"'],
    [
      { emailStatuses: ['failed', 'broken'] },
      'context.emailStatuses[1]: must be one of ok, partial, failed, got "broken"',
    ],
    [{ emailStatuses: [] }, 'context.emailStatuses: must name at least one of ok, partial, failed'],
    [{ mode: 'sharded' }, 'context.mode: must be one of single, distributed, got "sharded"'],
    [
      { mode: 'distributed', batchSize: 0 },
      'context.batchSize: must be a whole number of sources from 1 to 10000, got 0',
    ],
    [
      { mode: 'distributed', maxConcurrency: 'many' },
      'context.maxConcurrency: must be a whole number of workers from 1 to 10000, got "many"',
    ],
    [
      { mode: 'distributed', toleratedFailurePercentage: 101 },
      'context.toleratedFailurePercentage: must be a whole number of percent from 0 to 100, got 101',
    ],
    [
      { mode: 'distributed', runTimeoutMinutes: 9, timeoutSeconds: 300 },
      'context.runTimeoutMinutes: 9 minutes leaves the workers no time',
    ],
    [{ outputPrefix: '/site' }, 'context.outputPrefix: must be a plain key prefix'],
    [{ outputPrefix: 'site/*' }, 'context.outputPrefix: must be a plain key prefix'],
    [{ outputPrefix: '../elsewhere' }, 'context.outputPrefix: must be a plain key prefix'],
    [
      { schedule: 'cron(0 6 * * ? *)' },
      'context.schedulePeriodMinutes: cannot be derived from the schedule "cron(0 6 * * ? *)": ' +
        'give the longest time between two scheduled runs in minutes',
    ],
    [
      { schedulePeriodMinutes: 0 },
      'context.schedulePeriodMinutes: must be a whole number of minutes from 1 to 10080, got 0',
    ],
    [
      { failedRatioThreshold: 1 },
      'context.failedRatioThreshold: must be a share from 0 up to but not including 1, such as 0.5, got 1',
    ],
    [{ failedRatioThreshold: -0.1 }, 'context.failedRatioThreshold: must be a share from 0 up to but not including 1'],
    [
      { failedRatioThreshold: 'half' },
      'context.failedRatioThreshold: must be a share from 0 up to but not including 1, such as 0.5, got "half"',
    ],
    [
      { missedRunsAlarm: 1 },
      'context.missedRunsAlarm: must be a whole number of schedule periods from 2 to 10080, got 1',
    ],
    [
      { schedule: 'rate(30 minutes)', missedRunsAlarm: 49 },
      'context.missedRunsAlarm: 49 periods of 30 minutes is 1470 minutes, ' +
        'longer than the 1440 minutes a CloudWatch alarm with that period can look back',
    ],
    [
      { schedule: 'rate(1 day)', missedRunsAlarm: 8 },
      'context.missedRunsAlarm: 8 periods of 1440 minutes is 11520 minutes, ' +
        'longer than the 10080 minutes a CloudWatch alarm with that period can look back',
    ],
    [{ sourcesFile: '/nonexistent/sources.json' }, 'context.sourcesFile: no such file: /nonexistent/sources.json'],
  ])('rejects %j naming the key: %s', (context, message) => {
    const error = errorFor(context);
    expect(error).toMatchObject({ name: 'InvalidContextError', code: 'invalid_config' });
    expect(error.message.slice(0, message.length)).toBe(message);
  });
});

/** A default as the docs write it: none for an empty value, a list comma-separated. */
function documented(value: unknown): string {
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return 'none';
  return Array.isArray(value) ? value.join(',') : String(value);
}

describe('the context-key tables of the docs', () => {
  const rows = referencePages().flatMap(({ path, text }) =>
    markdownTables(text, 'context key').flatMap((table) =>
      table.map((row) => ({
        where: `${path}: ${row['context key']}`,
        key: row['context key'] ?? '',
        cell: row.default,
      })),
    ),
  );

  test('list every setting once', () => {
    expect(rows.map((row) => row.key).sort()).toEqual(Object.keys(settingsFor({})).sort());
  });

  test('give each setting the default STACK_SETTING_DEFAULTS gives it (a cell may explain it after a colon)', () => {
    for (const { where, key, cell = '' } of rows) {
      if (!(key in STACK_SETTING_DEFAULTS)) {
        expect(cell, `${where} follows from the schedule`).toContain('rate(');
        continue;
      }
      const value = documented(STACK_SETTING_DEFAULTS[key as keyof typeof STACK_SETTING_DEFAULTS]);
      expect(cell === value || cell.startsWith(`${value}:`), `${where} is documented as "${cell}", not ${value}`).toBe(
        true,
      );
    }
  });
});
