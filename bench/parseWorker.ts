// One parse-pool thread: parses the bodies the main thread posts and sends the items back. Failures
// travel as plain { code, message } because an Error loses its class crossing threads.
import { parentPort } from 'node:worker_threads';

import { SourceError } from '../lambda/core/errors.js';
import { mergeItems } from '../lambda/merge/merge.js';
import { parseFeedSource } from '../lambda/parse/parseFeedSource.js';
import type { ParseReply, ParseRequest } from './parsePool.js';

const port = parentPort!;
port.on('message', ({ id, body, context, maxItems }: ParseRequest) => {
  let reply: ParseReply;
  try {
    const items = mergeItems(
      [parseFeedSource(Buffer.from(body.buffer, body.byteOffset, body.byteLength), context).items],
      {
        maxItems,
      },
    );
    reply = { id, items };
  } catch (error) {
    const failure =
      error instanceof SourceError
        ? error.toFailure()
        : { code: 'internal' as const, message: `parser crashed: ${String(error)}` };
    reply = { id, failure };
  }
  port.postMessage(reply);
});
port.postMessage('ready');
