import type { ParameterReader, ParameterValues } from './parameterReader.js';

export interface SecretCacheOptions {
  /** How long a value read is reused before it is read again, in ms. @default 300_000 (5 min) */
  ttlMs?: number;
  /** The clock, so tests can move it. @default Date.now */
  now?: () => number;
}

const DEFAULT_TTL_MS = 5 * 60 * 1000; // 5 min: a rotated secret is picked up within one or two scheduled runs

/**
 * Secret values kept between warm invocations: created once per Lambda container (at cold start),
 * it saves one SSM round trip per run and keeps well under Parameter Store's request quota.
 * Only values that were read are kept; a missing name is asked for again on the next run, so a
 * fixed parameter works at once. An expired value is still used when reading it again fails for
 * a passing reason (throttling, network), so a blip in SSM does not fail every source with a
 * secret. The values live in a private field, so the cache prints and serializes as `{}` should it
 * ever reach a log line.
 */
export class SecretCache {
  readonly #read: ParameterReader;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { value: string; readAt: number }>();

  constructor(read: ParameterReader, options: SecretCacheOptions = {}) {
    this.#read = read;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The values of `names`: fresh cached ones as they are, all others in one read. */
  async get(names: readonly string[]): Promise<ParameterValues> {
    const now = this.#now();
    const result: ParameterValues = { values: new Map(), missing: new Map() };
    const stale: string[] = [];
    for (const name of new Set(names)) {
      const entry = this.#entries.get(name);
      if (entry && now - entry.readAt < this.#ttlMs) result.values.set(name, entry.value);
      else stale.push(name);
    }
    if (stale.length === 0) return result;
    const read = await this.#read(stale);
    for (const [name, value] of read.values) {
      this.#entries.set(name, { value, readAt: now });
      result.values.set(name, value);
    }
    for (const [name, unreadable] of read.missing) {
      // A value we had outlives a failed read (throttling, a network blip), but not news that
      // the secret is gone or no longer ours to read.
      const entry = this.#entries.get(name);
      if (entry && !unreadable.gone) {
        result.values.set(name, entry.value);
        continue;
      }
      this.#entries.delete(name);
      result.missing.set(name, unreadable);
    }
    return result;
  }
}

/** For runs given no secret store: every referenced secret is unreadable, saying why. */
export const NO_SECRET_STORE = new SecretCache(async (names) => ({
  values: new Map(),
  missing: new Map(
    names.map((name) => [name, { reason: 'cannot be read: no secret store is configured', gone: true }]),
  ),
}));
