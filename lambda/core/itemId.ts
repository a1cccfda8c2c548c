import { createHash } from 'node:crypto';

/** A URI scheme followed by a colon: `http:`, `urn:`, `tag:`, `yt:` … */
const ABSOLUTE_URI = /^([a-z][a-z0-9+.-]*):/i;

/**
 * Schemes whose ids are published as the feed wrote them: web addresses, and the two schemes made
 * for naming things rather than fetching them (RFC 8141 URNs, RFC 4151 tags), which is what Atom
 * and RSS generators use for ids that are not links.
 */
const KEPT_SCHEMES = new Set(['http', 'https', 'urn', 'tag']);

/**
 * The id an item is known by in state and published under: the feed's own id (guid, atom:id, JSON
 * id), else the item URL, else a hash of what the item says.
 *
 * Items of all sources meet in one feed and are deduplicated by id. An absolute http(s), urn: or
 * tag: id is unique by construction (its owner controls the namespace), so it is kept verbatim and
 * the same article reached through two sources still collapses into one. Any other id ("1",
 * "post-42", a hash) is unique only within its feed: it gets the source id as a prefix, or two
 * sources that both number their posts 1, 2, 3 would swallow each other's items.
 *
 * An id in any other scheme (`javascript:`, `data:`, `vbscript:`, `file:`, `yt:`) is not published
 * as written: readers turn an id that looks like an address into a link (JSON Feed says an id may
 * be a URL, and Atom readers link an entry by its id when it has no link), and a `data:` id can be
 * megabytes. It becomes `urn:uuid:` + a name-based UUID (RFC 9562 §5.5, version 5) of the
 * source-prefixed id, because:
 * - `urn:uuid` is a registered URN namespace (RFC 4122 / 9562), an IRI as Atom's `<id>` requires
 *   (RFC 4287 §4.2.6; its own examples use it), and a plain string as JSON Feed's `id` requires;
 * - a tag: URI (RFC 4151) would need an authority Tributary owns on a date; the feed's public
 *   address is optional and may change, and minting under the source's domain is not ours to do;
 * - the same source and id always give the same UUID, so seen ids and subscribers' readers see the
 *   same item from run to run; the source id in the name keeps such ids unique per source, as for
 *   ids without a scheme, since nothing makes a foreign-scheme id unique across feeds.
 * SHA-1 inside version 5 is no weakness here: a feed that forged a collision would only merge two
 * of its own items.
 */
export function itemId(
  sourceId: string,
  feedId: string | undefined,
  url: string | undefined,
  parts: unknown[],
): string {
  const id = feedId?.trim() || url || createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
  return ABSOLUTE_URI.test(id) ? publishable(sourceId, id) : `${sourceId}:${id}`;
}

/**
 * An id that state before version 5 stored (seen ids, kept items' digests), as this version makes
 * it: an id that kept a foreign scheme becomes the urn:uuid itemId now gives the same item. Ids
 * already in today's form come back unchanged (the source-prefixed ones are Tributary's own
 * making), so converting twice is converting once. Used only when state is read (currentItemIds).
 */
export function currentItemId(sourceId: string, storedId: string): string {
  return storedId.startsWith(`${sourceId}:`) ? storedId : publishable(sourceId, storedId);
}

function publishable(sourceId: string, uri: string): string {
  const scheme = ABSOLUTE_URI.exec(uri)?.[1];
  if (scheme === undefined || KEPT_SCHEMES.has(scheme.toLowerCase())) return uri;
  return `urn:uuid:${nameBasedUuid(`${sourceId}:${uri}`)}`;
}

/** Tributary's namespace for item-id UUIDs; any fixed UUID works, it only has to never change. */
const ITEM_ID_NAMESPACE = 'efcb421a-6f70-4670-b64c-470e42e27bff';

/** RFC 9562 §5.5: SHA-1 of namespace and name, with the version (5) and variant bits set. */
export function nameBasedUuid(name: string, namespace = ITEM_ID_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name)
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
