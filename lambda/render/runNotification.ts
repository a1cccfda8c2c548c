import { type Item, MAX_NEW_ITEMS_LISTED, type Notification, type Summary } from '../core/model.js';

/** SNS refuses messages over 256 KiB (body plus attributes); stay well below it. */
const MAX_MESSAGE_BYTES = 240 * 1024;
const MAX_SUBJECT_LENGTH = 100;
/** A hostile feed's megabyte title or URL must not crowd out the rest of the message. */
const MAX_TITLE_LENGTH = 300;
const MAX_URL_LENGTH = 2000;

export interface NewItemLine {
  title: string;
  url?: string;
  sourceId: string;
}

export function buildNotification(summary: Summary, newItems: readonly Item[]): Notification {
  const listed: NewItemLine[] = newItems.slice(0, MAX_NEW_ITEMS_LISTED).map((item) => ({
    title: (item.title ?? item.url ?? item.id).slice(0, MAX_TITLE_LENGTH),
    // A URL cut short is a wrong link: leave it out rather than send a broken one.
    url: item.url && item.url.length <= MAX_URL_LENGTH ? item.url : undefined,
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

/** Cut in this order: failures are in the report anyway, moved sources are few and matter. */
const CUTTABLE_LISTS = ['failures', 'newItems', 'moved'] as const;

/**
 * Lists can be long, and every string in them comes from someone else's server: halve the lists
 * (saying how many entries were cut) rather than lose the message, since SNS refuses an oversized
 * message and a retry would fail the same way.
 */
function boundedMessage(summary: Summary, newItems: NewItemLine[]): string {
  const full = { failures: summary.failures, newItems, moved: summary.moved };
  const kept = { ...full };
  for (;;) {
    const omitted: Record<string, number> = {};
    for (const name of CUTTABLE_LISTS) {
      const cut = full[name].length - kept[name].length;
      if (cut > 0) omitted[`${name}Omitted`] = cut;
    }
    const message = JSON.stringify({ ...summary, ...kept, ...omitted });
    const next = CUTTABLE_LISTS.find((name) => kept[name].length > 0);
    if (Buffer.byteLength(message) <= MAX_MESSAGE_BYTES || next === undefined) return message;
    kept[next] = kept[next].slice(0, Math.floor(kept[next].length / 2)) as never;
  }
}
