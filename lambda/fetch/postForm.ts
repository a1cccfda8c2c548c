import { messageOf } from '../core/errors.js';
import { type HttpClient, sendRequest } from './httpClient.js';

export interface PostFormOptions {
  /** The whole exchange, from connecting to the end of the answer, in ms. */
  timeoutMs: number;
}

/** Read of an answer's body before the connection is dropped instead: a hub says little. */
const MAX_ANSWER_BYTES = 64 * 1024; // 64 KiB

/** The server's 2xx status, or why there was none. */
export type PostFormResult = { ok: true; status: number } | { ok: false; error: string };

/**
 * POSTs `form` as application/x-www-form-urlencoded through the run's client, so the request
 * meets the same network policy as every fetch (see sendRequest). A redirect is not followed (it
 * is not a 2xx, so it is an answer like any other). Never throws.
 */
export async function postForm(
  client: HttpClient,
  url: string,
  form: readonly [string, string][],
  options: PostFormOptions,
): Promise<PostFormResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await sendRequest(client, new URL(url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      signal,
    });
    // The answer's body says nothing the status does not: read and dropped, within the same limit.
    await response.body.dump({ limit: MAX_ANSWER_BYTES, signal });
    const { statusCode } = response;
    return statusCode >= 200 && statusCode < 300
      ? { ok: true, status: statusCode }
      : { ok: false, error: `answered HTTP ${statusCode}` };
  } catch (error) {
    if (signal.aborted) return { ok: false, error: `no answer within ${options.timeoutMs} ms` };
    return { ok: false, error: messageOf(error) };
  }
}
