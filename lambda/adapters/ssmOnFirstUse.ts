import type { SSMClientConfig } from '@aws-sdk/client-ssm';
import type { ParameterReader } from '../run/parameterReader.js';

/**
 * An SSM parameter reader whose SDK client is loaded on the first read. Only runs whose sources
 * name a secret in their headers read SSM, so every other cold start skips loading the SSM
 * client (its code is a chunk of its own in the bundle).
 */
export function ssmParameterReaderOnFirstUse(config: SSMClientConfig): ParameterReader {
  let reader: Promise<ParameterReader> | undefined;
  return async (names) => {
    reader ??= Promise.all([import('@aws-sdk/client-ssm'), import('./ssmParameterReader.js')]).then(
      ([{ SSMClient }, { ssmParameterReader }]) => ssmParameterReader(new SSMClient(config)),
    );
    return (await reader)(names);
  };
}
