import { metricsFunctionName } from '../adapters/runMetrics.js';
import { BASE_URL_RULE, normalizeBaseUrl } from '../core/baseUrl.js';
import { InvalidInputError } from '../core/errors.js';
import { type LogLevel, readLogLevel } from '../core/logLevel.js';
import { normalizePrefix } from '../core/outputPrefix.js';
import { type NetworkPolicy, parseNetworkPolicy } from '../fetch/networkPolicy.js';
import { parseS3Uri } from '../input/s3Uri.js';

/** The Lambda's environment, read and checked once at cold start. */
export interface LambdaConfig {
  outputBucket: string;
  /** Normalised: empty or ending in `/`. */
  outputPrefix: string;
  topicArn: string | undefined;
  /** `s3://bucket/key` or a file path; undefined means the sources file bundled at build time. */
  sourcesUri: string | undefined;
  forcePathStyle: boolean;
  networkPolicy: NetworkPolicy;
  logLevel: LogLevel;
  /** Where the outputs are served publicly, ending in `/`: the feeds' self links. */
  publicBaseUrl: string | undefined;
  /** The metrics dimension: the Lambda's name, or `local`. */
  functionName: string;
}

type Environment = Record<string, string | undefined>;

export function readLambdaConfig(env: Environment = process.env): LambdaConfig {
  const outputBucket = env.OUTPUT_BUCKET?.trim();
  if (!outputBucket) {
    throw new InvalidInputError(
      'config',
      'OUTPUT_BUCKET',
      'is required: the bucket the outputs and state are written to',
    );
  }
  const topicArn = env.TOPIC_ARN?.trim() || undefined;
  if (topicArn && !/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}$/.test(topicArn)) {
    throw new InvalidInputError('config', 'TOPIC_ARN', `is not an SNS topic ARN: "${topicArn}"`);
  }
  const sourcesUri = env.SOURCES_URI?.trim() || undefined;
  if (sourcesUri?.startsWith('s3://') && !parseS3Uri(sourcesUri)) {
    throw new InvalidInputError('config', 'SOURCES_URI', `must look like s3://bucket/key: "${sourcesUri}"`);
  }
  const givenBaseUrl = env.PUBLIC_BASE_URL?.trim() || undefined;
  const publicBaseUrl = givenBaseUrl && normalizeBaseUrl(givenBaseUrl);
  if (givenBaseUrl && !publicBaseUrl) {
    throw new InvalidInputError('config', 'PUBLIC_BASE_URL', `${BASE_URL_RULE}: "${givenBaseUrl}"`);
  }
  return {
    outputBucket,
    outputPrefix: normalizePrefix(env.OUTPUT_PREFIX),
    topicArn,
    sourcesUri,
    forcePathStyle: readBoolean(env, 'S3_FORCE_PATH_STYLE'),
    networkPolicy: parseNetworkPolicy(env.ALLOW_PRIVATE_NETWORKS),
    logLevel: readLogLevel(env),
    publicBaseUrl,
    functionName: metricsFunctionName(env),
  };
}

function readBoolean(env: Environment, name: string): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new InvalidInputError('config', name, `must be "true" or "false", not "${env[name]}"`);
}
