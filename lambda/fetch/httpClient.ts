import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import pkg from '../../package.json' with { type: 'json' };
import { loadedOnce, prefetch } from '../core/loadedOnce.js';
import { blockedAddressError, isAddressAllowed, type NetworkPolicy, refusedAddressLiteral } from './networkPolicy.js';

/** Who asks: every request of every run says so. */
export const USER_AGENT = `Tributary/${pkg.version} (+https://github.com/tributary-feeds/tributary)`;

export interface HttpClientOptions {
  networkPolicy: NetworkPolicy;
}

/** The one connection pool of a pipeline run; every fetch goes through it. */
export interface HttpClient {
  readonly dispatcher: Dispatcher;
  readonly networkPolicy: NetworkPolicy;
  /** Waits for requests in flight, then closes every kept-alive connection. */
  close(): Promise<void>;
}

/**
 * undici is a chunk of its own, loaded as a run begins (`prepareHttpClient`): it is evaluated
 * while the run's claim and state read are in flight rather than during the cold start.
 */
const loadAgent = loadedOnce(async () => {
  const module = await import('undici');
  // In the bundle, undici is CommonJS in a chunk of its own, which import() sees as a default export.
  return module.Agent ?? module.default.Agent;
});

/** Starts loading the client's code; whoever creates a client sees any failure to load it. */
export function prepareHttpClient(): void {
  prefetch(loadAgent);
}

/**
 * Runs `use` with the pipeline's one client, closed once `use` settles: fetching and what comes
 * after it (the WebSub ping) share its connections and its network policy.
 */
export async function withHttpClient<T>(
  options: HttpClientOptions,
  use: (client: HttpClient) => Promise<T>,
): Promise<T> {
  const client = await createHttpClient(options);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** One keep-alive Agent per run, so sources on the same host reuse connections. */
export async function createHttpClient(options: HttpClientOptions): Promise<HttpClient> {
  const Agent = await loadAgent();
  const dispatcher = new Agent({ connect: { lookup: policedLookup(options.networkPolicy) } });
  return {
    dispatcher,
    networkPolicy: options.networkPolicy,
    close: () => dispatcher.close(),
  };
}

/** What a request sends besides its URL. */
export interface ClientRequest {
  method: 'GET' | 'POST';
  /** Lower-case names; the user agent is added unless given. */
  headers: Record<string, string>;
  body?: string;
  /** Ends the request and its body: the caller's time limit, the run's deadline. */
  signal: AbortSignal;
}

/**
 * Sends one request through the run's pool under its network policy: an address literal is checked
 * here, a name as it resolves (policedLookup). Fetching and the WebSub ping both go through here, so
 * neither can skip the check. Redirects are not followed: each hop is a request of its own.
 *
 * @throws SourceError `blocked_address` for a refused address literal, before anything is sent
 */
export async function sendRequest(
  client: HttpClient,
  url: URL,
  request: ClientRequest,
): Promise<Dispatcher.ResponseData> {
  const refused = refusedAddressLiteral(client.networkPolicy, url);
  if (refused) throw refused;
  // The dispatcher's own request(), not undici's top-level one: the bundle carries only the
  // Agent and its request API (scripts/undiciCore.cjs), and the two are the same call.
  return client.dispatcher.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: request.method,
    headers: { 'user-agent': USER_AGENT, ...request.headers },
    ...(request.body !== undefined && { body: request.body }),
    signal: request.signal,
  });
}

/**
 * Checks the addresses a hostname resolves to at connect time, so the address checked is the one
 * connected to (no second lookup a rebinding DNS server could answer differently). Refused addresses
 * are dropped; if none is left the connection fails with `blocked_address`. IP-literal hosts never
 * reach a lookup and are checked in sendRequest.
 */
function policedLookup(policy: NetworkPolicy): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, resolved: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const usable = resolved.filter((entry) => isAddressAllowed(policy, entry.address));
      if (usable.length === 0) {
        const addresses = resolved.map((entry) => entry.address).join(', ');
        return callback(blockedAddressError(hostname, addresses), '', 0);
      }
      if (lookupOptions.all) return callback(null, usable);
      const [first] = usable as [LookupAddress];
      callback(null, first.address, first.family);
    });
  };
}
