import { describe, expect, it } from 'vitest';
import { loadedOnce } from '../../../lambda/core/loadedOnce.js';

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
