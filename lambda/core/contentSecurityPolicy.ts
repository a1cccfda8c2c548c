/*
 * Every string on the pages comes from someone else's feed or server. All of it is escaped; the
 * policy is the second wall in case escaping ever slips: no script runs (default-src 'none'),
 * nothing is fetched from elsewhere (no tracking pixel, no leak through an image or a font), only
 * the page's own inline <style> applies, an injected <base> cannot redirect links and an injected
 * <form> cannot submit anywhere. The pages carry it in a <meta>, because S3 cannot send headers;
 * the public site sends it as a header too, where `frame-ancestors` (ignored in a <meta>) also works.
 */
export const PAGE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/** The header form: the page's policy, and no other site may frame the pages. */
export const SITE_CONTENT_SECURITY_POLICY = `${PAGE_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;
