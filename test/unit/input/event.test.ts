import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lambda/core/errors.js';
import { assertKnownSources, parseEvent } from '../../../lambda/input/event.js';
import { thrownBy } from '../../support/thrownBy.js';

describe('invocation events', () => {
  it('treats {} as a full run', () => {
    expect(parseEvent({})).toEqual({ only: undefined, dryRun: false, force: false });
  });

  it('reads an ad hoc console event', () => {
    expect(parseEvent({ sources: ['hn', 'lwn'], dryRun: true, force: true })).toEqual({
      only: ['hn', 'lwn'],
      dryRun: true,
      force: true,
    });
  });

  it('takes the run name from an EventBridge scheduled event', () => {
    const event = {
      version: '0',
      id: 'cdc73f9d-aea9-11e3-9d5a-835b769c0d9c',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-11-26T05:00:00Z',
      region: 'eu-west-1',
      resources: ['arn:aws:events:eu-west-1:123456789012:rule/tributary'],
      detail: {},
    };

    expect(parseEvent(event)).toEqual({ scheduledTime: '2026-11-26T05:00:00.000Z', dryRun: false, force: false });
  });

  it('takes the run name from an EventBridge Scheduler event', () => {
    const event = { 'detail-type': 'Scheduled Event', source: 'aws.scheduler', time: '2026-11-26T06:00:00+01:00' };

    expect(parseEvent(event).scheduledTime).toBe('2026-11-26T05:00:00.000Z');
  });

  it.each([
    ['an unknown key', { dryrun: true }, 'event.dryrun: unknown key'],
    ['a dryRun that is not a boolean', { dryRun: 'yes' }, 'event.dryRun: must be true or false'],
    ['a force that is not a boolean', { force: 1 }, 'event.force: must be true or false'],
    ['sources that are not a list', { sources: 'hn' }, 'event.sources: must be a list of source ids'],
    ['a source id that is not a string', { sources: ['hn', 7] }, 'event.sources[1]: must be a source id'],
    ['an empty source list', { sources: [] }, 'event.sources: must name at least one source'],
    ['a scheduled event without a time', { 'detail-type': 'Scheduled Event' }, 'event.time'],
    [
      'a scheduled event with a bad time',
      { 'detail-type': 'Scheduled Event', time: 'yesterday' },
      'event.time: must be an ISO 8601 date-time',
    ],
    ['an array', [], 'event: must be a JSON object'],
    ['null', null, 'event: must be a JSON object'],
    ['a string', 'run', 'event: must be a JSON object'],
  ])('rejects %s, naming the field', (_case, event, message) => {
    expect(() => parseEvent(event)).toThrowError(InvalidInputError);
    expect(() => parseEvent(event)).toThrowError(message);
  });

  it('rejects source ids the sources file does not know, naming each, a likely match and the valid ids', () => {
    const request = parseEvent({ sources: ['hn', 'hackernews', 'lobster', 'lobster'] });

    expect(() => assertKnownSources(request, ['hn', 'lobsters', 'lwn'])).toThrowError(
      'event.sources: unknown source ids "hackernews", "lobster" (did you mean "lobsters"?); valid ids: hn, ' +
        'lobsters, lwn',
    );
  });

  it('names the field the ids came from, and lists the first 20 valid ids of a long file', () => {
    const known = Array.from({ length: 30 }, (_, i) => `feed-${i}`);
    const request = parseEvent({ sources: ['nope'] });

    const error = thrownBy(InvalidInputError, () => assertKnownSources(request, known, '--only'));

    expect(error.field).toBe('--only');
    expect(error.message).toBe(
      `--only: unknown source id "nope"; valid ids: ${known.slice(0, 20).join(', ')}, … (30 in all)`,
    );
  });

  it('names every problem of an event at once, with the key an unknown key was probably meant to be', () => {
    expect(() => parseEvent({ dryrun: true, force: 'yes' })).toThrowError(
      'event: 2 problems\n  event.dryrun: unknown key (did you mean "dryRun"?)\n  event.force: must be true or false',
    );
  });
});
