import * as z from 'zod';

/** A string that is an absolute http or https URL: the only links Tributary fetches or publishes. */
export const httpUrl = z.string({ error: 'must be a URL string' }).refine(
  (value) => {
    try {
      const { protocol } = new URL(value);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: 'must be http or https' },
);
