import { describe, expect, it } from 'vitest';
import { loadedOnce, prefetch } from '../../../lambda/core/loadedOnce.js';

describe('loadedOnce', () => {
  it('loads on the first call only, and gives every call the same result', async () => {
    // Prepare
    let loads = 0;
    const load = loadedOnce(async () => ({ loaded: ++loads }));

    // Act
    const [first, second] = await Promise.all([load(), load()]);
    const later = await load();

    // Assess
    expect(loads).toBe(1);
    expect(second).toBe(first);
    expect(later).toBe(first);
  });

  it('does not load until asked', () => {
    // Act
    let loads = 0;
    loadedOnce(async () => ++loads);

    // Assess
    expect(loads).toBe(0);
  });
});

describe('prefetch', () => {
  it('starts the load now, and leaves a failure to the first use', async () => {
    // Prepare
    let loads = 0;
    const load = loadedOnce(async () => {
      loads += 1;
      throw new Error('chunk missing');
    });

    // Act
    prefetch(load);

    // Assess: loading began, nothing unhandled, and the use sees the error
    expect(loads).toBe(1);
    await expect(load()).rejects.toThrowError('chunk missing');
    expect(loads).toBe(1);
  });
});
