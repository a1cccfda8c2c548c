// The errors the stack throws on purpose, each with a stable `code`. They share the function's
// base class, TributaryError, so whoever runs the synth handles both sides' errors alike. A
// sources file that cannot be deployed is reported as the function would report it:
// InvalidInputError with code `invalid_sources`.
import { InvalidInputError, TributaryError } from '../lambda/core/errors.js';

export { InvalidInputError };

/**
 * A CDK context value (`-c key=value` or cdk.json) that cannot be deployed. `field` is
 * `context.<key>`; the code is `invalid_config`, as for the function's own configuration.
 */
export class InvalidContextError extends InvalidInputError {
  /** What is wrong, without the key: for a list of several problems. */
  readonly problem: string;

  constructor(key: string, problem: string) {
    super('config', `context.${key}`, problem);
    this.name = 'InvalidContextError';
    this.problem = problem;
  }
}

/**
 * The public site's certificate is not in us-east-1, the one region CloudFront takes viewer
 * certificates from: caught at synth, where CloudFormation would fail only minutes into the deploy.
 */
export class CertificateRegionError extends InvalidContextError {
  readonly region: string;

  constructor(region: string) {
    super(
      'certificateArn',
      `is in ${region}, but CloudFront takes certificates from us-east-1 only: ` +
        'request or import the certificate in us-east-1 and give that ARN',
    );
    this.name = 'CertificateRegionError';
    this.region = region;
  }
}

/** There is no bundle to deploy: `npm run build` has not run. */
export class MissingBuildError extends TributaryError {
  constructor(entry: string) {
    super(
      'MissingBuildError',
      'missing_build',
      `${entry} does not exist: run \`npm run build\` first, then synth or deploy again`,
    );
  }
}

/** A construct the stack names in a cdk-nag acknowledgement has no CloudFormation resource: a mistake in the stack. */
export class NoCloudFormationResourceError extends TributaryError {
  constructor(path: string) {
    super(
      'NoCloudFormationResourceError',
      'no_cloudformation_resource',
      `${path} has no CloudFormation resource to name in a cdk-nag finding`,
    );
  }
}
