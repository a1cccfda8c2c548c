import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FAILURE_CODES,
  FilterTermError,
  HtmlSelectorError,
  InternalError,
  InvalidInputError,
  JsonPathError,
  NotifyError,
  RunInProgressError,
  SourceError,
  StoreError,
  TributaryError,
} from '../../../lambda/core/errors.js';

// Codes are what logs, alarms and users' automation match on: renaming one is a breaking change,
// so each is spelled out here rather than read back from the class.
describe('every error Tributary throws on purpose', () => {
  it.each([
    [new InvalidInputError('config', 'OUTPUT_BUCKET', 'is required'), 'InvalidInputError', 'invalid_config'],
    [new InvalidInputError('event', 'event.dryRun', 'must be true or false'), 'InvalidInputError', 'invalid_event'],
    [new InvalidInputError('sources', 'sources[0].url', 'must be http'), 'InvalidInputError', 'invalid_sources'],
    [new SourceError('timeout', 'no answer in 10 s'), 'SourceError', 'timeout'],
    [new StoreError('cannot write feed.json'), 'StoreError', 'store'],
    [new NotifyError('cannot publish'), 'NotifyError', 'notify'],
    [new InternalError('selected but never settled'), 'InternalError', 'internal'],
    [new JsonPathError('empty path'), 'JsonPathError', 'invalid_json_path'],
    [new HtmlSelectorError('empty selector'), 'HtmlSelectorError', 'invalid_html_selector'],
    [new FilterTermError('filter term "": must not be empty'), 'FilterTermError', 'invalid_filter_term'],
    [new RunInProgressError('r1', 'then', 'later'), 'RunInProgressError', 'run_in_progress'],
  ])('%s has its own name and a stable code', (error, name, code) => {
    expect(error).toBeInstanceOf(TributaryError);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
  });

  it('keeps the cause it was given', () => {
    const cause = new Error('socket hang up');

    expect(new StoreError('cannot read state', { cause }).cause).toBe(cause);
  });

  it('fails a source only for the reasons the run report documents, each documented', () => {
    const reference = readFileSync(new URL('../../../docs/reference.md', import.meta.url), 'utf8');
    const listed = /`errorCode` is one of ([^.]+)\./.exec(reference)?.[1];

    expect(listed?.match(/`[a-z_]+`/g)?.map((code) => code.slice(1, -1))).toEqual([...FAILURE_CODES]);
  });
});
