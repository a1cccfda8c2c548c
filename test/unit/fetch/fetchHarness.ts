import { onTestFinished } from 'vitest';
import type { Settings, Source } from '../../../lambda/core/model.js';
import { createHttpClient, type HttpClient } from '../../../lambda/fetch/httpClient.js';
import { type NetworkPolicy, parseNetworkPolicy } from '../../../lambda/fetch/networkPolicy.js';
import { type LoopbackServer, type RouteHandler, startLoopbackServer } from '../../../scripts/loopbackServer.js';

/** The loopback servers these tests talk to are private addresses, refused by default. */
export const loopbackPolicy = parseNetworkPolicy('127.0.0.0/8');

export const testSettings: Settings = {
  concurrency: 16,
  perHostConcurrency: 4,
  timeoutMs: 2_000,
  maxBytes: 1024 * 1024,
  retries: 0,
  maxItemsPerSource: 100,
  maxItems: 1000,
  perHostDelayMs: 0,
  futureDateToleranceHours: 24,
};

/** A loopback server that is closed when the current test finishes. */
export async function serve(routes: Record<string, RouteHandler>): Promise<LoopbackServer> {
  const server = await startLoopbackServer(routes);
  onTestFinished(() => server.close());
  return server;
}

/** An HTTP client that is closed when the current test finishes. */
export async function testClient(networkPolicy: NetworkPolicy = loopbackPolicy): Promise<HttpClient> {
  const client = await createHttpClient({ networkPolicy });
  onTestFinished(() => client.close());
  return client;
}

export function source(url: string, id = 'source'): Source {
  return { id, url, type: 'feed' };
}

/** A handler that never answers, like a server stuck before its headers. */
export const hang: RouteHandler = () => undefined;

/** A handler answering `status` after `delayMs`. */
export function respondAfter(delayMs: number, status = 200, body = '<rss/>'): RouteHandler {
  return (_request, response) => {
    const timer = setTimeout(() => response.writeHead(status).end(body), delayMs);
    response.once('close', () => clearTimeout(timer));
  };
}
