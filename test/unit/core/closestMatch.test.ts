import { describe, expect, it } from 'vitest';
import { closestMatch } from '../../../lambda/core/closestMatch.js';

const CONTEXT_KEYS = ['memoryMb', 'timeoutSeconds', 'batchSize', 'mode', 'schedule', 'sourcesUri'];

describe('closestMatch', () => {
  it.each([
    ['a missing letter', 'concurency', ['concurrency', 'retries'], 'concurrency'],
    ['swapped letters', 'memroyMb', CONTEXT_KEYS, 'memoryMb'],
    ['swapped letters in a short key', 'tpye', ['id', 'url', 'type'], 'type'],
    ['a misspelt start of a longer name', 'timout', CONTEXT_KEYS, 'timeoutSeconds'],
    ['another case', 'SOURCESURI', CONTEXT_KEYS, 'sourcesUri'],
    ['a short key missing a letter', 'ur', ['id', 'url', 'type'], 'url'],
  ])('finds the intended name for %s', (_case, word, candidates, expected) => {
    expect(closestMatch(word, candidates)).toBe(expected);
  });

  it('suggests nothing when no name is close', () => {
    expect(closestMatch('colour', CONTEXT_KEYS)).toBeUndefined();
    expect(closestMatch('x', ['id', 'url'])).toBeUndefined();
    expect(closestMatch('nope', ['news', 'notes'])).toBeUndefined();
  });

  it('prefers the closest of several near names', () => {
    expect(closestMatch('maxconcurency', ['concurrency', 'maxConcurrency'])).toBe('maxConcurrency');
    expect(closestMatch('concurency', ['maxConcurrency', 'concurrency'])).toBe('concurrency');
  });
});
