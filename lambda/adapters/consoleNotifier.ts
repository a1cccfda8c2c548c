import type { Notification } from '../core/model.js';
import type { Notifier } from '../run/notifier.js';

/** Prints the notification's subject, for local runs where the summary is printed anyway. */
export class ConsoleNotifier implements Notifier {
  constructor(private readonly write: (line: string) => void = (line) => console.error(line)) {}

  async publish(notification: Notification): Promise<void> {
    this.write(`notification: ${notification.subject}`);
  }
}
