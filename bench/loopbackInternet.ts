import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Source } from '../lambda/core/model.js';

/** One simulated feed: how long its server thinks before answering, and what it answers. */
export interface SiteSpec {
  id: string;
  /** Time to first byte, in ms. */
  latencyMs: number;
  /** Sent with status 200; ignored for other statuses, which answer with an empty body. */
  body: Buffer;
  /** @default 200 */
  status?: number;
}

export interface InternetStats {
  requests: number;
  /** TCP connections accepted: fewer than requests means keep-alive reuse. */
  connections: number;
  /** The most requests in flight at once over every host since the last reset. */
  maxInFlight: number;
}

/** Many feeds on several loopback ports, each port one origin ("host") to the client. */
export interface LoopbackInternet {
  readonly hosts: number;
  /** Serves `sites` from now on, in place of what was served before, dealt round-robin over the hosts. */
  publish(sites: readonly SiteSpec[]): Source[];
  stats(): InternetStats;
  resetStats(): void;
  close(): Promise<void>;
}

const CONTENT_TYPE = 'application/rss+xml; charset=utf-8';

/**
 * Starts `hosts` HTTP servers on 127.0.0.1, ports chosen by the OS. A request is in flight from
 * its arrival until the server calls end() on the response: the client holds its concurrency slot
 * for longer than that, so the count can only understate what the client had in flight and a
 * figure above the bound is a real violation.
 */
export async function startLoopbackInternet(options: { hosts: number }): Promise<LoopbackInternet> {
  let sites = new Map<string, SiteSpec>();
  const stats = { requests: 0, connections: 0, inFlight: 0, maxInFlight: 0 };

  const servers: Server[] = [];
  const origins: string[] = [];
  for (let host = 0; host < options.hosts; host += 1) {
    const server = createServer((request, response) => {
      stats.requests += 1;
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      const answer = (status: number, body: Buffer) => {
        stats.inFlight -= 1;
        response.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': body.length }).end(body);
      };
      const site = sites.get(new URL(request.url ?? '/', 'http://loopback').pathname.slice(1));
      if (!site) return answer(404, Buffer.alloc(0));
      const status = site.status ?? 200;
      setTimeout(() => answer(status, status === 200 ? site.body : Buffer.alloc(0)), site.latencyMs);
    });
    server.on('connection', () => (stats.connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    origins.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  return {
    hosts: options.hosts,
    publish(specs) {
      sites = new Map(specs.map((spec) => [spec.id, spec]));
      return specs.map((spec, index) => ({
        id: spec.id,
        url: `${origins[index % origins.length]}/${spec.id}`,
        type: 'feed',
      }));
    },
    stats: () => ({ requests: stats.requests, connections: stats.connections, maxInFlight: stats.maxInFlight }),
    resetStats() {
      stats.requests = 0;
      stats.connections = 0;
      stats.maxInFlight = stats.inFlight;
    },
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve, reject) => {
              server.close((error) => (error ? reject(error) : resolve()));
              server.closeAllConnections();
            }),
        ),
      ).then(() => undefined),
  };
}
