import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** The EventBridge schema registry the Lambda console reads shareable test events from. */
export const TEST_EVENT_REGISTRY = 'lambda-testevent-schemas';

export interface ConsoleTestEventsProps {
  readonly function: lambda.IFunction;
  /** Test event name (as listed in the console) → the event sent to the function. */
  readonly events: Readonly<Record<string, unknown>>;
  /** JSON Schema of the events, shown to whoever edits them. @default { type: 'object' } */
  readonly eventSchema?: Readonly<Record<string, unknown>>;
}

/**
 * Shareable test events for one function, so anyone with console access opens its Test tab and
 * runs a prepared event in one click.
 *
 * The console's convention: an OpenAPI 3 schema named `_<function name>-schema` in the registry
 * above, whose `components.examples.<name>.value` are the events. The registry is shared by every
 * function in the account and region and only exists once someone has saved a shareable event, so
 * it is created if missing and never deleted; the schema is this stack's and goes with it.
 */
export class ConsoleTestEvents extends Construct {
  readonly schema: eventschemas.CfnSchema;

  constructor(scope: Construct, id: string, props: ConsoleTestEventsProps) {
    super(scope, id);

    const registryArn = Stack.of(this).formatArn({
      service: 'schemas',
      resource: 'registry',
      resourceName: TEST_EVENT_REGISTRY,
    });
    // An own role and log group rather than the provider's default AWSLambdaBasicExecutionRole.
    const role = new iam.Role(this, 'EnsureRegistryRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Creates the ${TEST_EVENT_REGISTRY} schema registry if it does not exist yet`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['schemas:CreateRegistry'], resources: [registryArn] }));
    const logGroup = new logs.LogGroup(this, 'EnsureRegistryLogs', {
      retention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(role);
    const ensureRegistry = new cr.AwsCustomResource(this, 'EnsureRegistry', {
      onCreate: {
        service: 'Schemas',
        action: 'createRegistry',
        parameters: { RegistryName: TEST_EVENT_REGISTRY, Description: 'Shareable Lambda console test events' },
        physicalResourceId: cr.PhysicalResourceId.of(TEST_EVENT_REGISTRY),
        // Already there: the usual case once anyone in the account has shared a test event.
        ignoreErrorCodesMatching: 'ConflictException',
      },
      role,
      logGroup,
      installLatestAwsSdk: false,
    });
    ensureRegistry.node.addDependency(role, logGroup);

    this.schema = new eventschemas.CfnSchema(this, 'Schema', {
      registryName: TEST_EVENT_REGISTRY,
      schemaName: `_${props.function.functionName}-schema`,
      type: 'OpenApi3',
      description: `Lambda console test events for ${props.function.functionName}`,
      content: JSON.stringify({
        openapi: '3.0.0',
        info: { version: '1.0.0', title: 'Event' },
        paths: {},
        components: {
          schemas: { Event: props.eventSchema ?? { type: 'object' } },
          examples: Object.fromEntries(Object.entries(props.events).map(([name, value]) => [name, { value }])),
        },
      }),
    });
    this.schema.node.addDependency(ensureRegistry);
  }
}
