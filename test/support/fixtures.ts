// Where the fixture files live, read and served one way by every test.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RouteHandler } from '../../scripts/loopbackServer.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);

/** The file path of a fixture, e.g. `fixturePath('e2e/news.rss')`. */
export function fixturePath(path: string): string {
  return fileURLToPath(new URL(path, FIXTURES));
}

export function readFixture(path: string): Buffer {
  return readFileSync(new URL(path, FIXTURES));
}

/**
 * A loopback route that answers with a fixture. With an `etag` among `headers`, a request that
 * sends it back in If-None-Match gets 304, as a server that honours conditional GET answers.
 */
export function serveFixture(path: string, contentType?: string, headers: Record<string, string> = {}): RouteHandler {
  return (request, response) => {
    if (headers.etag && request.headers['if-none-match'] === headers.etag) {
      return void response.writeHead(304, headers).end();
    }
    const type = contentType === undefined ? {} : { 'content-type': contentType };
    response.writeHead(200, { ...type, ...headers }).end(readFixture(path));
  };
}
