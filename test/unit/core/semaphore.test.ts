import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../lambda/core/semaphore.js';

describe('Semaphore', () => {
  it('gives up a wait when its signal aborts, and hands the slot to the next waiter instead', async () => {
    // Prepare
    const slots = new Semaphore(1);
    await slots.acquire();
    const giveUp = new AbortController();
    const order: string[] = [];
    const first = slots.acquire(giveUp.signal).then(() => order.push('first'));
    const second = slots.acquire().then(() => order.push('second'));

    // Act
    giveUp.abort(new Error('deadline'));
    await expect(first).rejects.toThrowError('deadline');
    slots.release();
    await second;

    // Assess: the slot went to the second waiter, and it is the only one taken
    expect(order).toEqual(['second']);
    slots.release();
    await expect(slots.acquire(AbortSignal.abort(new Error('already over')))).rejects.toThrowError('already over');
    await slots.acquire();
  });

  it('runs work holding a slot and gives the slot back however the work ends', async () => {
    const slots = new Semaphore(1);
    let inside = 0;
    let most = 0;
    const work = (fail: boolean) =>
      slots.run(async () => {
        most = Math.max(most, (inside += 1));
        await new Promise((resolve) => setTimeout(resolve, 5));
        inside -= 1;
        if (fail) throw new Error('work failed');
        return 'done';
      });

    const results = await Promise.allSettled([work(true), work(false), work(false)]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(most).toBe(1);
    await slots.acquire();
  });
});
