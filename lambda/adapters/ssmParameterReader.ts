import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';

import { SECRETS_MANAGER_PREFIX } from '../core/sourcesFileSchema.js';
import type { ParameterReader, ParameterValues, Unreadable } from '../run/parameterReader.js';

/** GetParameters takes at most this many names per call. */
const NAMES_PER_CALL = 10;

/**
 * Reads SSM parameters, and Secrets Manager secrets through their `/aws/reference/secretsmanager/`
 * path, with as few GetParameters calls as the API allows (10 names each, decrypted).
 *
 * A call can fail as a whole for one bad name (a referenced secret that does not exist or that
 * we may not read makes the whole batch fail, not just that name); its names are then read one
 * per call, so one missing secret fails only the sources that use it. The reference path also
 * needs secretsmanager:GetSecretValue on the secret, which the stack grants beside ssm:GetParameters.
 */
export function ssmParameterReader(client: SSMClient): ParameterReader {
  const readBatch = async (names: readonly string[], into: ParameterValues): Promise<void> => {
    const response = await client.send(new GetParametersCommand({ Names: [...names], WithDecryption: true }));
    for (const parameter of response.Parameters ?? []) {
      const name = requestedName(names, parameter.Name);
      if (name !== undefined && parameter.Value !== undefined) into.values.set(name, parameter.Value);
    }
    for (const name of names) if (!into.values.has(name)) into.missing.set(name, NOT_FOUND);
  };

  return async (names) => {
    const result: ParameterValues = { values: new Map(), missing: new Map() };
    const unique = [...new Set(names)];
    const batches: string[][] = [];
    for (let start = 0; start < unique.length; start += NAMES_PER_CALL)
      batches.push(unique.slice(start, start + NAMES_PER_CALL));
    await Promise.all(
      batches.map(async (batch) => {
        try {
          await readBatch(batch, result);
        } catch (batchError) {
          if (batch.length === 1) return void result.missing.set(batch[0]!, reasonOf(batchError));
          await Promise.all(
            batch.map((name) =>
              readBatch([name], result).catch((error: unknown) => void result.missing.set(name, reasonOf(error))),
            ),
          );
        }
      }),
    );
    return result;
  };
}

/**
 * The requested name a returned parameter answers. A Secrets Manager reference may come back
 * under the secret's own name rather than its reference path (the moto emulator does this), so
 * both spellings are recognised.
 */
function requestedName(requested: readonly string[], returned: string | undefined): string | undefined {
  if (returned === undefined) return undefined;
  if (requested.includes(returned)) return returned;
  const asReference = `${SECRETS_MANAGER_PREFIX}${returned}`;
  return requested.includes(asReference) ? asReference : undefined;
}

const NOT_FOUND: Unreadable = { reason: 'not found', gone: true };

/** From the error's kind, not its message: AWS messages can be long and name our role's ARN. */
function reasonOf(error: unknown): Unreadable {
  const code = (error as { code?: unknown } | undefined)?.code;
  // A plain Error is a network failure; its code (ECONNREFUSED, ENOTFOUND) says more than its name.
  const name = !(error instanceof Error)
    ? 'unknown error'
    : error.name === 'Error' && typeof code === 'string'
      ? code
      : error.name;
  if (name === 'ParameterNotFound' || name === 'ResourceNotFoundException') return NOT_FOUND;
  if (name === 'AccessDeniedException') return { reason: 'access denied', gone: true };
  return { reason: `could not be read (${name})`, gone: false };
}
