import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

export interface NotificationTopicProps {
  readonly displayName: string;
  /** Subscribed by email; each address gets a confirmation message first. */
  readonly emails: readonly string[];
  /**
   * Email subscribers only receive messages whose `status` message attribute is one of these.
   * @default every message
   */
  readonly emailStatuses?: readonly string[];
  /** @default not encrypted at rest */
  readonly masterKey?: kms.IKey;
}

/** A topic that refuses publishing without TLS, with optional email subscribers. */
export class NotificationTopic extends sns.Topic {
  constructor(scope: Construct, id: string, props: NotificationTopicProps) {
    super(scope, id, { displayName: props.displayName, enforceSSL: true, masterKey: props.masterKey });
    const filterPolicy = props.emailStatuses && {
      status: sns.SubscriptionFilter.stringFilter({ allowlist: [...props.emailStatuses] }),
    };
    for (const email of props.emails) {
      this.addSubscription(new subscriptions.EmailSubscription(email, { filterPolicy }));
    }
  }
}
