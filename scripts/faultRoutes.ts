import type { OutgoingHttpHeaders } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { RouteHandler } from './loopbackServer.js';

// Route handlers for scripts/loopbackServer.ts that misbehave the way real feed servers do.

/** Accepts the request and never answers: no status line, no headers. */
export function hangBeforeHeaders(): RouteHandler {
  return () => undefined;
}

/** Sends headers, then a few bytes every `everyMs` for ever: no single gap is long. */
export function dripBody(everyMs: number): RouteHandler {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml' });
    response.write('<?xml version="1.0"?><rss version="2.0"><channel>');
    const timer = setInterval(() => response.write('<item/>'), everyMs);
    response.once('close', () => clearInterval(timer));
  };
}

/** Drops the TCP connection without a response. */
export function resetConnection(): RouteHandler {
  return (request) => void request.socket.destroy();
}

/** An empty response with `status` and `headers`, such as a 503 with Retry-After. */
export function respondWith(status: number, headers: OutgoingHttpHeaders = {}): RouteHandler {
  return (_request, response) => void response.writeHead(status, headers).end();
}

/** A redirect to `location`, relative or absolute, whatever its scheme. */
export function redirectTo(location: string, status = 302): RouteHandler {
  return respondWith(status, { location });
}

/**
 * A 200 body of `body`, with `headers` as given: no Content-Type unless `headers` has one.
 * Bodies are sent with chunked encoding, so a client cannot reject them by Content-Length.
 */
export function serveBody(body: Buffer | string, headers: OutgoingHttpHeaders = {}): RouteHandler {
  return (_request, response) => void response.writeHead(200, headers).end(body);
}

/** `bytes` of zeros, gzip-compressed to about a thousandth of that on the wire. */
export function gzipBomb(bytes: number): RouteHandler {
  return serveBody(gzipSync(Buffer.alloc(bytes)), {
    'content-type': 'application/rss+xml',
    'content-encoding': 'gzip',
  });
}

/**
 * `body` brotli-compressed `times` times over, labelled `br, br, …` once per pass: a client that
 * makes one decoder per coding spends seconds and hundreds of megabytes on one source.
 */
export function stackedEncodings(body: Buffer, times: number): RouteHandler {
  let compressed = body;
  const fastest = { params: { [constants.BROTLI_PARAM_QUALITY]: 0 } };
  for (let pass = 0; pass < times; pass += 1) compressed = brotliCompressSync(compressed, fastest);
  return serveBody(compressed, {
    'content-type': 'application/rss+xml',
    'content-encoding': Array.from({ length: times }, () => 'br').join(','),
  });
}
