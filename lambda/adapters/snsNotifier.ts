import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { NotifyError } from '../core/errors.js';
import type { Notification } from '../core/model.js';
import type { Notifier } from '../run/notifier.js';

/** Publishes to the run topic. The client's own retry policy retries throttling and 5xx. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(notification: Notification): Promise<void> {
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: notification.subject,
          Message: notification.message,
          MessageAttributes: Object.fromEntries(
            Object.entries(notification.attributes).map(([name, value]) => [
              name,
              { DataType: 'String', StringValue: value },
            ]),
          ),
        }),
      );
    } catch (error) {
      throw new NotifyError(`cannot publish the run notification to ${this.topicArn}`, { cause: error });
    }
  }
}
