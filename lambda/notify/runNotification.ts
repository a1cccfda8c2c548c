import type { Item, Summary } from '../model.js';
import type { Notification } from './notifier.js';

/** SNS refuses messages over 256 KiB (body plus attributes); stay well below it. */
const MAX_MESSAGE_BYTES = 240 * 1024;
const MAX_NEW_ITEMS_LISTED = 20;
const MAX_SUBJECT_LENGTH = 100;
/** A hostile feed's megabyte title must not crowd out the rest of the message. */
const MAX_TITLE_LENGTH = 300;

export interface NewItemLine {
  title: string;
  url?: string;
  sourceId: string;
}

export function buildNotification(summary: Summary, newItems: readonly Item[]): Notification {
  const listed: NewItemLine[] = newItems.slice(0, MAX_NEW_ITEMS_LISTED).map((item) => ({
    title: (item.title ?? item.url ?? item.id).slice(0, MAX_TITLE_LENGTH),
    url: item.url,
    sourceId: item.sourceId,
  }));
  return {
    subject: subjectOf(summary),
    message: boundedMessage(summary, listed),
    attributes: { status: summary.status },
  };
}

/** SNS subjects must be printable ASCII without line breaks, at most 100 characters. */
export function subjectOf(summary: Summary): string {
  const { counts } = summary;
  const healthy = counts.ok + counts.notModified;
  const text = `Tributary: ${healthy}/${counts.sources} sources ok, ${counts.items} items, ${counts.newItems} new`;
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= MAX_SUBJECT_LENGTH ? ascii : `${ascii.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}

/** Failure lists can be long; cut them (saying how many were cut) rather than lose the message. */
function boundedMessage(summary: Summary, newItems: NewItemLine[]): string {
  let failures = summary.failures;
  for (;;) {
    const omitted = summary.failures.length - failures.length;
    const message = JSON.stringify({
      ...summary,
      failures,
      ...(omitted > 0 ? { failuresOmitted: omitted } : {}),
      newItems,
    });
    if (Buffer.byteLength(message) <= MAX_MESSAGE_BYTES || failures.length === 0) return message;
    failures = failures.slice(0, Math.floor(failures.length / 2));
  }
}
