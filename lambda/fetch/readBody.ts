import type { IncomingHttpHeaders } from 'node:http';
import { type Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { messageOf, SourceError } from '../core/errors.js';

/** What reading one body produced; `bytes` counts what arrived on the wire, before decoding. */
export type BodyResult = { body: Buffer; bytes: number } | { error: unknown; bytes: number };

/**
 * Content codings a body may stack. Real servers apply one; two covers a proxy compressing again.
 * Each one is a zlib stream with its own buffers, so a long stack of codings (the curl
 * CVE-2022-32206 class) costs seconds and hundreds of MB for one source (BENCHMARKS.md).
 */
export const MAX_CONTENT_CODINGS = 2;

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * Reads a response body, undoing its Content-Encoding and stopping as soon as the decoded size
 * passes `maxBytes`, so a small compressed "bomb" is cut off after a few chunks instead of being
 * inflated into memory. Never throws: a cap, a bad encoding or a broken stream comes back as
 * `error` (a SourceError, or the stream's own error for the caller to classify).
 */
export async function readBody(
  response: { body: Readable; headers: IncomingHttpHeaders },
  maxBytes: number,
): Promise<BodyResult> {
  const { body: wire, headers } = response;
  const encodings = String(headers['content-encoding'] ?? '')
    .split(',')
    .map((encoding) => encoding.trim().toLowerCase())
    .filter((encoding) => encoding !== '' && encoding !== 'identity');

  if (encodings.length > MAX_CONTENT_CODINGS) {
    const problem = `${encodings.length} content codings stacked; at most ${MAX_CONTENT_CODINGS} are accepted`;
    return unread(wire, new SourceError('bad_encoding', problem));
  }
  const unknown = encodings.find((encoding) => !(encoding in DECODERS));
  if (unknown !== undefined) {
    return unread(wire, new SourceError('unsupported_format', `unsupported Content-Encoding "${unknown}"`));
  }
  const declaredLength = Number(headers['content-length']);
  if (encodings.length === 0 && declaredLength > maxBytes) return unread(wire, tooLarge(maxBytes));

  // Encodings are listed in the order they were applied, so they are undone last to first.
  const decoders = encodings.toReversed().map((encoding) => DECODERS[encoding]!());
  let firstFailure: { error: unknown; inDecoder: boolean } | undefined;
  wire.once('error', (error) => (firstFailure ??= { error, inDecoder: false }));
  for (const decoder of decoders) decoder.once('error', (error) => (firstFailure ??= { error, inDecoder: true }));

  let wireBytes = 0;
  let decodedBytes = 0;
  const chunks: Buffer[] = [];
  const countWire = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      wireBytes += chunk.length;
      callback(null, chunk);
    },
  });
  const collect = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) return callback(tooLarge(maxBytes));
      chunks.push(chunk);
      callback();
    },
  });
  try {
    await pipeline([wire, countWire, ...decoders, collect]);
  } catch (error) {
    if (error instanceof SourceError || !firstFailure?.inDecoder) return { error, bytes: wireBytes };
    const message = messageOf(error);
    return {
      error: new SourceError('malformed', `cannot decode the ${encodings.join(', ')} body: ${message}`, {
        cause: error,
      }),
      bytes: wireBytes,
    };
  }
  return { body: Buffer.concat(chunks, decodedBytes), bytes: wireBytes };
}

/** A body refused from its headers alone; the stream's own abort error is expected, not a failure. */
function unread(wire: Readable, error: SourceError): BodyResult {
  wire.on('error', () => {});
  wire.destroy();
  return { error, bytes: 0 };
}

function tooLarge(maxBytes: number): SourceError {
  return new SourceError('too_large', `response larger than ${maxBytes} bytes`);
}
