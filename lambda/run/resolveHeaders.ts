import type { Failure } from '../core/errors.js';
import { headerValueFlaw } from '../core/headerValue.js';
import type { Source } from '../core/model.js';
import { describeReference, parameterName, secretReferences } from '../input/secretNames.js';
import type { SecretCache } from './secretCache.js';

/**
 * The headers of a run's sources with every secret filled in. Maps, not objects, so that an
 * accidental `JSON.stringify` of this prints `{}` rather than secrets.
 */
export interface ResolvedHeaders {
  /** Headers to send, per source id; only sources with headers appear. */
  headers: Map<string, Record<string, string>>;
  /** Sources that must not be fetched because a secret they use could not be read. */
  failures: Map<string, Failure>;
}

const FLAW_IN_WORDS = {
  line_break: 'holds a line break, which a header value cannot',
  unsendable: 'holds characters a header value cannot carry',
} as const;

/**
 * Fills in the secret header values of `sources` with one read of all their secrets (cached
 * across warm invocations by `secrets`). A secret that cannot be read fails only the sources
 * that use it, with `secret_unavailable` and a message naming the header and the secret's name;
 * values are never part of a message, a log line or an output.
 */
export async function resolveHeaders(sources: readonly Source[], secrets: SecretCache): Promise<ResolvedHeaders> {
  const references = secretReferences(sources);
  const read = references.length === 0 ? undefined : await secrets.get(references.map(parameterName));
  const resolved: ResolvedHeaders = { headers: new Map(), failures: new Map() };
  for (const source of sources) {
    if (!source.headers) continue;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(source.headers)) {
      if (typeof value === 'string') {
        headers[name] = value;
        continue;
      }
      const parameter = parameterName(value);
      const secret = read?.values.get(parameter);
      const flaw = secret === undefined ? undefined : headerValueFlaw(secret);
      if (secret === undefined || flaw) {
        const problem = flaw ? FLAW_IN_WORDS[flaw] : (read?.missing.get(parameter)?.reason ?? 'not found');
        resolved.failures.set(source.id, {
          code: 'secret_unavailable',
          message: `header "${name}": ${describeReference(value)} ${problem}`,
        });
        break;
      }
      headers[name] = secret;
    }
    if (!resolved.failures.has(source.id)) resolved.headers.set(source.id, headers);
  }
  return resolved;
}
