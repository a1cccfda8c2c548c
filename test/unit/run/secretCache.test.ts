import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';

import { SecretCache } from '../../../lambda/run/secretCache.js';
import { fakeParameterStore } from './secretFakes.js';

const TTL_MS = 5 * 60 * 1000;

function clock(start = 0) {
  let time = start;
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

describe('SecretCache', () => {
  it('reuses values across runs within the TTL and reads them again after it', async () => {
    const store = fakeParameterStore({ '/a': 'one', '/b': 'two' });
    const time = clock();
    const cache = new SecretCache(store.read, { ttlMs: TTL_MS, now: time.now });

    await cache.get(['/a', '/b']);
    time.advance(TTL_MS - 1);
    const warm = await cache.get(['/a', '/b']);
    store.parameters.set('/a', 'rotated');
    time.advance(1);
    const expired = await cache.get(['/a']);

    expect(store.reads).toEqual([['/a', '/b'], ['/a']]);
    expect(Object.fromEntries(warm.values)).toEqual({ '/a': 'one', '/b': 'two' });
    expect(expired.values.get('/a')).toBe('rotated');
  });

  it('reads only the names it does not hold, in one read', async () => {
    const store = fakeParameterStore({ '/a': 'one', '/b': 'two', '/c': 'three' });
    const cache = new SecretCache(store.read);

    await cache.get(['/a']);
    const result = await cache.get(['/a', '/b', '/c', '/b']);

    expect(store.reads).toEqual([['/a'], ['/b', '/c']]);
    expect(result.values.size).toBe(3);
  });

  it('asks again for a missing name on the next run, so a parameter created since works at once', async () => {
    const store = fakeParameterStore({});
    const cache = new SecretCache(store.read);

    const before = await cache.get(['/new']);
    store.parameters.set('/new', 'value');
    const after = await cache.get(['/new']);

    expect(before.missing.get('/new')?.reason).toBe('not found');
    expect(after.values.get('/new')).toBe('value');
  });

  it('keeps an expired value when a re-read fails for a passing reason, not when the value is gone', async () => {
    const store = fakeParameterStore({ '/a': 'one' });
    const time = clock();
    const cache = new SecretCache(store.read, { ttlMs: TTL_MS, now: time.now });
    await cache.get(['/a']);
    time.advance(TTL_MS);

    store.failWith({ reason: 'could not be read (ThrottlingException)', gone: false });
    const throttled = await cache.get(['/a']);
    store.failWith({ reason: 'access denied', gone: true });
    const denied = await cache.get(['/a']);

    expect(throttled.values.get('/a')).toBe('one');
    expect(denied.values.has('/a')).toBe(false);
    expect(denied.missing.get('/a')?.reason).toBe('access denied');
  });

  it('does not show its values when printed or serialized', async () => {
    const cache = new SecretCache(fakeParameterStore({ '/a': 'super-secret-value' }).read);
    await cache.get(['/a']);

    expect(inspect(cache, { showHidden: true, depth: 5 })).not.toContain('super-secret-value');
    expect(JSON.stringify(cache)).toBe('{}');
  });
});
