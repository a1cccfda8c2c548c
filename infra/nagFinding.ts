import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag spells the `Arn` attribute of a resource in a finding id (`<LogicalId.Arn>`), so an
 * acknowledgement can name the one finding it accepts instead of the whole rule.
 */
export function nagArnOf(resource: IConstruct): string {
  const cfn = resource.node.defaultChild as CfnElement | undefined;
  if (!cfn) throw new Error(`${resource.node.path} has no CloudFormation resource to name in a cdk-nag finding`);
  return `<${Stack.of(resource).getLogicalId(cfn)}.Arn>`;
}
