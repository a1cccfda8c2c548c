import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { NoCloudFormationResourceError } from '../../infra/errors.js';
import { nagArnOf } from '../../infra/nagFinding.js';
import { thrownBy } from '../support/thrownBy.js';

describe('how a cdk-nag finding names a resource', () => {
  test('is the Arn attribute of its logical id', () => {
    const stack = new Stack();
    const queue = new sqs.Queue(stack, 'Queue');
    expect(nagArnOf(queue)).toBe(`<${stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue)}.Arn>`);
  });

  test('stops the synth, naming the construct, when there is no resource to name', () => {
    const nothing = new Construct(new Stack(), 'Nothing');
    const error = thrownBy(NoCloudFormationResourceError, () => nagArnOf(nothing));
    expect(error).toMatchObject({ code: 'no_cloudformation_resource' });
    expect(error.message).toBe('Default/Nothing has no CloudFormation resource to name in a cdk-nag finding');
  });
});
