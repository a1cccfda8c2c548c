import type { Notification } from '../core/model.js';

/** Where the run's one notification goes: SNS in Lambda, the console locally. */
export interface Notifier {
  publish(notification: Notification): Promise<void>;
  /** Called as the run starts fetching: load what publishing will need while the network is busy. */
  prepare?(): void;
}
