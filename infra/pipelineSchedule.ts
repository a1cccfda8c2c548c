import { Aws, Duration, type Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { DeadLetterQueue } from './deadLetterQueue.js';
import { nagArnOf } from './nagFinding.js';

/** Scheduler's own retries when invoking the function fails, and how long it keeps trying. */
const SCHEDULE_RETRY_ATTEMPTS = 2;
const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);

/**
 * What the schedule sends: the shape of an EventBridge "Scheduled Event", so the handler treats
 * both alike. `time` is the scheduled time, identical in every retry, so it names the run.
 */
const SCHEDULED_EVENT = {
  version: '0',
  id: scheduler.ContextAttribute.executionId,
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: Aws.ACCOUNT_ID,
  time: scheduler.ContextAttribute.scheduledTime,
  region: Aws.REGION,
  resources: [scheduler.ContextAttribute.scheduleArn],
  detail: {},
};

export interface PipelineScheduleProps {
  /** A `rate(…)` or `cron(…)` expression, and the IANA time zone a cron is read in. */
  readonly expression: string;
  readonly timeZone: string;
  /** What each run starts: the whole-run function in `single` mode, the state machine in `distributed` mode. */
  readonly target: { readonly function: lambda.IFunction } | { readonly stateMachine: sfn.IStateMachine };
}

export interface PipelineSchedule {
  readonly schedule: scheduler.Schedule;
  /** Where the schedule puts the events it could not deliver. */
  readonly deadLetterQueue: DeadLetterQueue;
}

/**
 * The schedule that starts every run, and its dead-letter queue. Made in the stack's own scope
 * (not a construct of its own) so the two keep the logical ids they were first deployed with.
 *
 * Scheduler delivers dead letters with the schedule's execution role, which the target grants
 * sqs:SendMessage on this queue: the Scheduler guide
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html) asks for exactly
 * that under "Set up execution role permissions": "When a schedule fails to invoke its target, EventBridge
 * Scheduler delivers a JSON payload [...] to an Amazon SQS standard queue that you specify."
 */
export function schedulePipeline(stack: Stack, props: PipelineScheduleProps): PipelineSchedule {
  const deadLetterQueue = new DeadLetterQueue(stack, 'ScheduleDeadLetterQueue');
  const targetProps: targets.ScheduleTargetBaseProps = {
    input: scheduler.ScheduleTargetInput.fromObject(SCHEDULED_EVENT),
    retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
    maxEventAge: SCHEDULE_MAX_EVENT_AGE,
    deadLetterQueue,
  };
  const schedule = new scheduler.Schedule(stack, 'Schedule', {
    description: 'Runs the Tributary pipeline',
    schedule: scheduler.ScheduleExpression.expression(props.expression, TimeZone.of(props.timeZone)),
    target:
      'stateMachine' in props.target
        ? new targets.StepFunctionsStartExecution(props.target.stateMachine, targetProps)
        : new targets.LambdaInvoke(props.target.function, targetProps),
  });
  if ('function' in props.target) {
    // The target creates its role at stack level, so the acknowledgement is made there, for this one finding.
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArnOf(props.target.function)}:*]`,
      reason:
        "The scheduler role's lambda:InvokeFunction is granted by CDK on the function and its qualified ARNs " +
        '(versions, aliases); it still names this one function only.',
    });
  }
  return { schedule, deadLetterQueue };
}
