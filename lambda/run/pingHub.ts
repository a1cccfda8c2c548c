import type { FeedIdentity, RunReport } from '../core/model.js';
import { redactUrl } from '../core/redactUrl.js';
import { shortened } from '../core/shortened.js';
import type { HttpClient } from '../fetch/httpClient.js';
import { postForm } from '../fetch/postForm.js';
import { feedUrls } from '../render/renderContext.js';
import { publishesLatest } from './summary.js';

/** A hub answers a publish ping at once and fetches the feeds afterwards: one this slow is down. */
const PING_TIMEOUT_MS = 5 * 1000; // 5 s
/** Kept back before the invocation's deadline for what follows the ping: the notification. */
const RESERVE_AFTER_PING_MS = 2 * 1000; // 2 s
/** A warning is a line in the report and the notification, not a place for a server's essay. */
const MAX_ERROR_CHARS = 200;

/** The ping public hubs ask for (WebSub §6, note): this topic has changed, come and fetch it. */
function publishPing(topic: string): [string, string][] {
  return [
    ['hub.mode', 'publish'],
    ['hub.url', topic],
  ];
}

/** The feeds the hub is to hear of after this run (see pingHub); none when it is not to be pinged. */
export function topicsToPing(feed: FeedIdentity | undefined, report: RunReport): string[] {
  if (!feed?.hub || report.dryRun || report.counts.newItems === 0 || !publishesLatest(report.status)) return [];
  const { feedXmlUrl, feedJsonUrl } = feedUrls(feed);
  return [feedXmlUrl, feedJsonUrl].filter((topic) => topic !== undefined);
}

export interface HubPingOptions {
  /** The pipeline's one client: the hub is reached only where a source could be. */
  client: HttpClient;
  /** Epoch ms at which the invocation is gone. */
  deadline: number;
  /** Epoch ms, now. */
  now: number;
}

/**
 * Tells the feed's WebSub hub that the feeds changed, after a run that wrote them with new items;
 * subscribers' readers then hear of the items from the hub instead of at their next poll. Nothing
 * is sent for a dry run, a run without new items or without written outputs, or a feed without a
 * public address (no self link: no topic a reader could have subscribed to).
 *
 * WebSub §6 leaves how a publisher informs its hub to the two of them and notes what public hubs
 * ask for: a form POST of `hub.mode=publish` and `hub.url=<the topic's URL>`. Both feeds are
 * topics, each with its own self link; each gets its own request, sent at the same time. PuSH 0.3
 * hubs accept `hub.url` repeated in one request, but hubs that read the form as PHP does
 * (Webubbub, for one) keep only the last of a repeated key, and one feed's subscribers would wait.
 *
 * The request goes through the client the run fetched with, and its network policy, within
 * PING_TIMEOUT_MS and before the deadline. Never throws: a hub that fails costs a warning.
 *
 * @returns one warning per feed the hub was not told of
 */
export async function pingHub(
  feed: FeedIdentity | undefined,
  report: RunReport,
  options: HubPingOptions,
): Promise<string[]> {
  const topics = topicsToPing(feed, report);
  if (!feed?.hub || topics.length === 0) return [];
  const { hub } = feed;
  const shownHub = redactUrl(hub);
  const timeoutMs = Math.min(PING_TIMEOUT_MS, options.deadline - options.now - RESERVE_AFTER_PING_MS);
  if (timeoutMs <= 0) return [`WebSub hub ${shownHub} not pinged: no time left before the run's deadline`];

  const { client } = options;
  const answers = await Promise.all(topics.map((topic) => postForm(client, hub, publishPing(topic), { timeoutMs })));
  return answers.flatMap((answer, index) =>
    answer.ok
      ? []
      : [`WebSub hub ${shownHub} was not told of ${topics[index]}: ${shortened(answer.error, MAX_ERROR_CHARS)}`],
  );
}
