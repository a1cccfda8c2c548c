import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../lambda/semaphore.js';

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
});
