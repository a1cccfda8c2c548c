import type { SNSClientConfig } from '@aws-sdk/client-sns';
import type { SSMClientConfig } from '@aws-sdk/client-ssm';
import { loadedOnce, prefetch } from '../core/loadedOnce.js';
import type { Notifier } from '../run/notifier.js';
import type { ParameterReader } from '../run/parameterReader.js';

// The SSM and SNS clients are chunks of their own in the bundle: a cold start does not evaluate
// them. Each loads once, on first use; a failure to load is the caller's error, as any call's.

/** Only runs whose sources name a secret in their headers read SSM; every other run never loads it. */
export function ssmParameterReaderOnFirstUse(config: SSMClientConfig): ParameterReader {
  const reader = loadedOnce(async () => {
    const [{ SSMClient }, { ssmParameterReader }] = await Promise.all([
      import('@aws-sdk/client-ssm'),
      import('./ssmParameterReader.js'),
    ]);
    return ssmParameterReader(new SSMClient(config));
  });
  return async (names) => (await reader())(names);
}

/**
 * Every run notifies, but only at its end: the client loads while the run fetches (`prepare`), so
 * neither the cold start nor the notification waits for it.
 */
export function snsNotifierOnFirstUse(config: SNSClientConfig, topicArn: string): Notifier {
  const notifier = loadedOnce(async () => {
    const [{ SNSClient }, { SnsNotifier }] = await Promise.all([
      import('@aws-sdk/client-sns'),
      import('./snsNotifier.js'),
    ]);
    return new SnsNotifier(new SNSClient(config), topicArn);
  });
  return {
    prepare: () => prefetch(notifier),
    publish: async (notification) => (await notifier()).publish(notification),
  };
}
