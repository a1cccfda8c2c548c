import { ssmParameterReaderOnFirstUse } from '../adapters/awsClientsOnFirstUse.js';
import { SecretCache } from '../run/secretCache.js';

/**
 * Timeouts on everything: without them an S3, SNS or SSM call that hangs would outlast the time
 * the run kept back for writing and notifying, and the run would time out instead of reporting.
 */
export const AWS_CALL_LIMITS = {
  requestHandler: { connectionTimeout: 3 * 1000, requestTimeout: 15 * 1000 }, // 3 s to connect, 15 s per attempt
};

/** Header secrets from SSM Parameter Store, for the Lambda and the CLI alike. */
export function ssmSecretCache(): SecretCache {
  return new SecretCache(ssmParameterReaderOnFirstUse({ ...AWS_CALL_LIMITS, maxAttempts: 3 }));
}
