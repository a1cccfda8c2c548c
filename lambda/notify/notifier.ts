/** One run notification: a short human subject, the machine-readable message, filterable attributes. */
export interface Notification {
  subject: string;
  message: string;
  attributes: Record<string, string>;
}

/** Where the run's one notification goes: SNS in Lambda, the console locally. */
export interface Notifier {
  publish(notification: Notification): Promise<void>;
}
