import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Answers one request. Its return value is ignored except that a rejected promise becomes a 500;
 * a handler that never ends the response simulates a server that hangs.
 */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => unknown;

/** A real HTTP server on 127.0.0.1 that counts what it was asked. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Absolute URL of `path` on this server. */
  url(path: string): string;
  /** Requests received for `path` (query ignored), or for all paths. */
  requests(path?: string): number;
  /** The most requests in flight at once for `path`, or over all paths. */
  maxConcurrent(path?: string): number;
  /** Stops listening and drops every open connection, hanging ones included. */
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 with an OS-chosen port. `routes` maps a path (without query) to its
 * handler; other paths get 404. A request counts as in flight from arrival until its response closes.
 */
export async function startLoopbackServer(routes: Record<string, RouteHandler>): Promise<LoopbackServer> {
  const counts = new Map<string, { total: number; active: number; maxActive: number }>();
  const overall = { total: 0, active: 0, maxActive: 0 };
  const tally = (path: string) => {
    let entry = counts.get(path);
    if (!entry) counts.set(path, (entry = { total: 0, active: 0, maxActive: 0 }));
    return entry;
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://loopback').pathname;
    const counters = [tally(path), overall];
    for (const counter of counters) {
      counter.total += 1;
      counter.active += 1;
      counter.maxActive = Math.max(counter.maxActive, counter.active);
    }
    response.once('close', () => counters.forEach((counter) => (counter.active -= 1)));

    const handler = routes[path] ?? ((_request, notFound) => void notFound.writeHead(404).end());
    Promise.resolve()
      .then(() => handler(request, response))
      .catch(() => (response.headersSent ? response.destroy() : response.writeHead(500).end()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: (path) => new URL(path, origin).href,
    requests: (path) => (path === undefined ? overall : tally(path)).total,
    maxConcurrent: (path) => (path === undefined ? overall : tally(path)).maxActive,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
