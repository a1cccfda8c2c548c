import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { NoCloudFormationResourceError } from './errors.js';

/**
 * How cdk-nag spells the `Arn` attribute of a resource in a finding id (`<LogicalId.Arn>`), so an
 * acknowledgement can name the one finding it accepts instead of the whole rule.
 */
export function nagArnOf(resource: IConstruct): string {
  const cfn = resource.node.defaultChild as CfnElement | undefined;
  if (!cfn) throw new NoCloudFormationResourceError(resource.node.path);
  return `<${Stack.of(resource).getLogicalId(cfn)}.Arn>`;
}
