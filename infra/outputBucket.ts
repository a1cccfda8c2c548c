import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';

import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RUN_CLAIMS_FOLDER, RUN_REPORTS_FOLDER, SHARDS_FOLDER } from '../lambda/core/storageLayout.js';

export interface OutputBucketProps {
  /** Key prefix the function writes under, '' or ending in '/'. */
  readonly prefix: string;
  /** Days before `<prefix>runs/` reports and `<prefix>state/runs/` run claims expire. */
  readonly runsRetentionDays: number;
  /** Distributed mode: expire the runs' working folders under `<prefix>state/shards/`. @default false */
  readonly shardFolders?: boolean;
  /** Delete both buckets and every object in them with the stack, for throwaway test stacks. @default false: kept */
  readonly disposable?: boolean;
}

const ACCESS_LOG_RETENTION = Duration.days(365);
// A distributed run's batches are read once, by its own merge step; a week leaves time to look into a bad run.
const SHARDS_RETENTION = Duration.days(7);

/**
 * The bucket holding the published feeds, run reports and pipeline state, and the bucket its
 * access logs go to. Both are private, TLS only, encrypted and kept when the stack is deleted.
 *
 * Versioning is off on purpose: the latest outputs are rewritten on every run (24 versions a day
 * of each), run reports are written once, and state is disposable by contract; a failed run
 * already leaves the previous good outputs in place.
 */
export class OutputBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: OutputBucketProps) {
    super(scope, id);

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      ...privateBucketDefaults(props.disposable),
      // S3 server access logging only delivers to buckets encrypted with S3-managed keys.
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: ACCESS_LOG_RETENTION }],
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access log bucket of the output bucket; logging access to it would need yet another log bucket.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...privateBucketDefaults(props.disposable),
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'output-bucket/',
      lifecycleRules: [
        {
          id: 'ExpireRunReports',
          prefix: `${props.prefix}${RUN_REPORTS_FOLDER}`,
          expiration: Duration.days(props.runsRetentionDays),
        },
        // Claims only need to outlive the retries of one run (at most an hour, see WholeRunFunction),
        // so expiring them with the reports they belong to is always safe.
        {
          id: 'ExpireRunClaims',
          prefix: `${props.prefix}${RUN_CLAIMS_FOLDER}`,
          expiration: Duration.days(props.runsRetentionDays),
        },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ...(props.shardFolders
          ? [{ id: 'ExpireShardFolders', prefix: `${props.prefix}${SHARDS_FOLDER}`, expiration: SHARDS_RETENTION }]
          : []),
      ],
    });
  }
}

/** Private, TLS only, encrypted with S3-managed keys, no ACLs; kept with the stack unless disposable. */
export function privateBucketDefaults(disposable = false): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: disposable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    autoDeleteObjects: disposable,
  };
}
