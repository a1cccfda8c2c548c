// A WebSub hub on the loopback server: it keeps every publish ping it receives, body included,
// and answers as the test says (a status, or never).
import type { ServerResponse } from 'node:http';
import type { RouteHandler } from '../../scripts/loopbackServer.js';

export interface HubPing {
  method: string | undefined;
  contentType: string | undefined;
  /** The form's fields, repeated keys kept in order. */
  form: [string, string][];
}

export interface RecordingHub {
  readonly pings: HubPing[];
  readonly handler: RouteHandler;
}

/** What the hub does once a ping's body is in; `never` leaves the ping hanging. */
export type HubAnswer = ((response: ServerResponse) => void) | 'never';

export function recordingHub(answer: HubAnswer = acceptWith(204)): RecordingHub {
  const pings: HubPing[] = [];
  return {
    pings,
    handler: (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        pings.push({
          method: request.method,
          contentType: request.headers['content-type'],
          form: [...new URLSearchParams(body)],
        });
        if (answer !== 'never') answer(response);
      });
    },
  };
}

/** A hub answer with `status` and no body: 204 or 202 is what hubs send for a publish ping. */
export function acceptWith(status: number): (response: ServerResponse) => void {
  return (response) => void response.writeHead(status).end();
}
