import { describe, expect, it } from 'vitest';
import type { Source } from '../../../lambda/core/model.js';
import type { SourceState } from '../../../lambda/process/sourceState.js';
import { longestFirst } from '../../../lambda/run/fetchAndProcess.js';

const sourcesNamed = (...ids: string[]): Source[] =>
  ids.map((id) => ({ id, url: `https://${id}.example/feed`, type: 'feed' }));
const timed = (lastFetchMs: unknown): SourceState => ({ seenIds: [], lastFetchMs: lastFetchMs as number });

describe('longestFirst', () => {
  it('orders by the last fetch time, slowest first', () => {
    const previous = { a: timed(50), b: timed(1_500), c: timed(400) };

    expect(longestFirst(sourcesNamed('a', 'b', 'c'), previous).map((source) => source.id)).toEqual(['b', 'c', 'a']);
  });

  it('puts sources never timed first, and keeps the sources-file order among equals', () => {
    const previous = { slow: timed(900), tie1: timed(100), tie2: timed(100) };

    const ordered = longestFirst(sourcesNamed('tie2', 'new1', 'slow', 'tie1', 'new2'), previous);

    expect(ordered.map((source) => source.id)).toEqual(['new1', 'new2', 'slow', 'tie2', 'tie1']);
  });

  it('treats a time state should not hold as never timed, rather than sorting on it', () => {
    const previous = { text: timed('slow'), nan: timed(Number.NaN), fine: timed(10) };

    expect(longestFirst(sourcesNamed('fine', 'text', 'nan'), previous).map((source) => source.id)).toEqual([
      'text',
      'nan',
      'fine',
    ]);
  });

  it('leaves its input as it was', () => {
    const sources = sourcesNamed('a', 'b');

    longestFirst(sources, { b: timed(10) });

    expect(sources.map((source) => source.id)).toEqual(['a', 'b']);
  });
});
