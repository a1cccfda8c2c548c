import { existsSync } from 'node:fs';

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DEFAULT_LOG_LEVEL } from '../lambda/core/logLevel.js';
import { KEPT_ITEMS_FOLDER } from '../lambda/core/storageLayout.js';
import type { SecretNames } from '../lambda/input/secretNames.js';
import { MissingBuildError } from './errors.js';
import { nagArnOf } from './nagFinding.js';
import type { FunctionSettings } from './stackSettings.js';

/** Where `npm run build` leaves the bundle: `index.mjs` plus the default `sources.json`. */
export const BUILD_DIR = fileURLToPath(new URL('../dist/lambda/', import.meta.url));

/** Keys under the output prefix a function may read, write and delete, as IAM patterns (`*` is any run's key). */
export interface OutputAccess {
  readonly read: readonly string[];
  readonly write: readonly string[];
  /** @default [] — no delete */
  readonly delete?: readonly string[];
}
const EVERY_OUTPUT: OutputAccess = { read: ['*'], write: ['*'] };

/** The item objects the state refers to: packs (`state/items/_<shards>-<n>/<id>.ndjson`) and older per-source ones. */
export const ITEM_OBJECTS = `${KEPT_ITEMS_FOLDER}*`;
/**
 * What a function that ends a run needs (the single function, the merge step): every object under
 * the prefix, and deleting the item objects the state it has just committed no longer refers to.
 * Nothing else is ever deleted: outputs, reports, claims and the state itself are only overwritten.
 */
export const RUN_OUTPUT_ACCESS: OutputAccess = { read: ['*'], write: ['*'], delete: [ITEM_OBJECTS] };

/** Memory, timeout, log retention and level come from the stack settings, which fill in their defaults. */
export interface BundleFunctionProps extends Readonly<FunctionSettings> {
  /** The deployment package. @default BundleFunction.codeFromBuild() — the `npm run build` output */
  readonly code?: lambda.Code;
  /** The export of the bundle this function runs. @default 'index.handler' */
  readonly handler?: string;
  /** What the function does, for the console. */
  readonly description: string;
  /** What the role may reach, for the console. */
  readonly roleDescription: string;
  /** Instances allowed to run at once. @default undefined: unreserved */
  readonly reservedConcurrency?: number;
}

/**
 * A function of the pipeline, running one export of the one bundle. It owns its defaults, its
 * log group and its role; each `use…` method sets an environment variable of the public contract
 * and grants exactly the access that variable implies, so the two never drift apart.
 */
export class BundleFunction extends Construct {
  /** The build artefact, checked here so a missing build fails the synth with a fix, not a CloudFormation error. */
  static codeFromBuild(dir: string = BUILD_DIR): lambda.Code {
    const entry = join(dir, 'index.mjs');
    if (!existsSync(entry)) {
      throw new MissingBuildError(entry);
    }
    return lambda.Code.fromAsset(dir);
  }

  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly timeout: Duration;
  protected readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BundleFunctionProps) {
    super(scope, id);
    this.timeout = Duration.seconds(props.timeoutSeconds);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of AWSLambdaBasicExecutionRole, whose log rights cover every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.roleDescription,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      code: props.code ?? BundleFunction.codeFromBuild(),
      handler: props.handler ?? 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: this.timeout,
      role: this.role,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
    });
    // Unset means INFO to the function, so the default deployment's environment stays as it was.
    if (props.logLevel !== DEFAULT_LOG_LEVEL) this.function.addEnvironment('LOG_LEVEL', props.logLevel);
  }

  /**
   * Sets `OUTPUT_BUCKET` and `OUTPUT_PREFIX`; grants reading and writing objects under the prefix
   * only (outputs, `runs/`, `state/` with its conditional-write run claims), or only the keys
   * `access` names, deleting only the keys its `delete` names, and listing the bucket.
   *
   * Listing is granted without an `s3:prefix` condition on purpose: S3 answers a read of a missing
   * key with 404 only to callers allowed to list the bucket, and 403 otherwise, which would make a
   * first run's missing state look like a permission error. The bucket is this stack's own.
   * The GetObject API reference (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html)
   * says so: "If the object that you request doesn't exist, the error that Amazon S3 returns depends
   * on whether you also have the s3:ListBucket permission. If you have the s3:ListBucket permission
   * on the bucket, Amazon S3 returns an HTTP status code 404 Not Found error. If you don't have the
   * s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Access Denied error."
   * @param prefix '' or a prefix ending in '/'
   * @param access key patterns under the prefix, as IAM writes them. @default everything: ['*'] both ways, no delete
   */
  useOutputBucket(bucket: s3.IBucket, prefix: string, access: OutputAccess = EVERY_OUTPUT): void {
    this.function.addEnvironment('OUTPUT_BUCKET', bucket.bucketName);
    if (prefix !== '') this.function.addEnvironment('OUTPUT_PREFIX', prefix);
    const objects = (patterns: readonly string[]) =>
      patterns.map((pattern) => bucket.arnForObjects(`${prefix}${pattern}`));
    if (access.read.join() === access.write.join()) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: objects(access.read) }),
      );
    } else {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objects(access.read) }),
      );
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: objects(access.write) }),
      );
    }
    const deletes = access.delete ?? [];
    if (deletes.length > 0) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: objects(deletes) }),
      );
    }
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
    // Said from `access`, so the reason stays true for every function that calls this.
    const rights =
      deletes.length > 0
        ? `read and put, and delete on ${deletes.map((pattern) => prefix + pattern).join(', ')} only`
        : 'read and put only (no delete)';
    for (const pattern of new Set(
      [...access.read, ...access.write, ...deletes].filter((pattern) => pattern.includes('*')),
    )) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagArnOf(bucket)}/${prefix}${pattern}]`,
        reason:
          'Object keys are made per run or per item content (runs/<runId>.json, state/runs/<runId>, ' +
          'state/shards/<runId>/…, state/items/_<shards>-<n>/<id>.ndjson) so they cannot be listed in advance; ' +
          `the wildcard covers only part of the output prefix of a bucket created for this stack, with ${rights}.`,
      });
    }
  }

  /**
   * Sets `TOPIC_ARN`; grants publishing to that topic only.
   *
   * No KMS statement for a topic encrypted with the AWS managed key `alias/aws/sns`: that key's own
   * policy lets every principal of the account use it through SNS, and an identity needs no IAM
   * grant for what a key policy already allows it. The KMS guide
   * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account)
   * quotes such a statement, "in the key policy for the AWS managed key for Amazon EBS", which "combines a
   * `Principal` element that specifies all AWS identities with the `kms:CallerAccount` condition key to
   * effectively allow access to all identities in AWS account 111122223333" and "`kms:ViaService` [...]
   * only allowing requests that come through Amazon EBS"; and of AWS managed keys
   * (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-cmk): "you cannot
   * use AWS managed keys in cryptographic operations directly; the service that creates them uses them
   * on your behalf." The SNS guide's "The publisher must have the kms:GenerateDataKey and kms:Decrypt
   * permissions for the AWS KMS key" (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html)
   * is met by that key policy. A topic under a customer managed key would need the grant.
   */
  useTopic(topic: sns.ITopic): void {
    this.function.addEnvironment('TOPIC_ARN', topic.topicArn);
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
  }

  /**
   * Grants reading exactly the secrets the sources' headers name, and adds no statement when they
   * name none. The function reads both kinds with SSM GetParameters; a Secrets Manager secret
   * through its `/aws/reference/secretsmanager/<name>` parameter, which SSM answers only when the
   * caller may also call secretsmanager:GetSecretValue on the secret itself.
   *
   * No kms:Decrypt: values encrypted with the AWS managed keys (aws/ssm, aws/secretsmanager) need
   * none. A SecureString or secret under a customer managed key needs kms:Decrypt on that key,
   * which the key's owner grants in its key policy.
   * @param names what `secretNames()` returns for the deployed sources file; `parameters` already
   *   holds the reference path of every secret
   */
  grantSecretReads(names: SecretNames): void {
    const stack = Stack.of(this);
    if (names.parameters.length > 0) {
      const parameterArns = names.parameters.map((name) =>
        // A parameter ARN joins `parameter` and a hierarchical name with one slash.
        stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') }),
      );
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['ssm:GetParameters'], resources: parameterArns }),
      );
    }
    if (names.secrets.length > 0) {
      const secretArns = names.secrets.map((name) =>
        // Secrets Manager appends a hyphen and 6 random characters to every secret's ARN; `?`
        // matches exactly one character, so no other secret whose name starts with this one
        // (`name-old`) is covered, as `name-*` would.
        stack.formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: `${name}-??????`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      );
      this.function.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secretArns }),
      );
    }
  }

  /**
   * Sets `PUBLIC_BASE_URL`, where the outputs are served: the feeds' self links and `feed_url` are
   * built from it. No grant: the function only writes the address into what it renders.
   */
  usePublicBaseUrl(url: string): void {
    this.function.addEnvironment('PUBLIC_BASE_URL', url);
  }

  /** Sets `SOURCES_URI` to `s3://bucket/key`; grants reading that one object. */
  useSourcesObject(bucket: s3.IBucket, key: string): void {
    this.function.addEnvironment('SOURCES_URI', `s3://${bucket.bucketName}/${key}`);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(key)] }),
    );
  }
}
