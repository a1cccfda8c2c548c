import type { HeaderValue, Source, SourcesFile } from '../core/model.js';
import { SECRETS_MANAGER_PREFIX } from '../core/sourcesFileSchema.js';

/** A header value that names a secret rather than holding the value itself. */
export type SecretReference = Exclude<HeaderValue, string>;

export interface SecretNames {
  /**
   * Every SSM parameter name the run reads with GetParameters, `fromSecret` ones included as
   * their `/aws/reference/secretsmanager/…` path: what the function must be allowed to read.
   */
  parameters: string[];
  /** The Secrets Manager secrets behind `fromSecret`, which also need secretsmanager:GetSecretValue. */
  secrets: string[];
}

/**
 * The secret names a sources file references, sorted and without repeats, so the stack can
 * grant read access to exactly these and nothing else.
 */
export function secretNames(sourcesFile: Pick<SourcesFile, 'sources'>): SecretNames {
  const parameters = new Set<string>();
  const secrets = new Set<string>();
  for (const reference of secretReferences(sourcesFile.sources)) {
    parameters.add(parameterName(reference));
    if ('fromSecret' in reference) secrets.add(reference.fromSecret);
  }
  return { parameters: [...parameters].sort(), secrets: [...secrets].sort() };
}

/** The SSM parameter name that holds a reference's value. */
export function parameterName(reference: SecretReference): string {
  return 'fromSsm' in reference ? reference.fromSsm : `${SECRETS_MANAGER_PREFIX}${reference.fromSecret}`;
}

/** How a reference is named to the user: which store, which name. Never the value. */
export function describeReference(reference: SecretReference): string {
  return 'fromSsm' in reference
    ? `SSM parameter "${reference.fromSsm}"`
    : `Secrets Manager secret "${reference.fromSecret}"`;
}

export function secretReferences(sources: readonly Source[]): SecretReference[] {
  return sources.flatMap((source) =>
    Object.values(source.headers ?? {}).filter((value): value is SecretReference => typeof value !== 'string'),
  );
}
