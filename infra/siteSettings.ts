import { CertificateRegionError, InvalidContextError } from './errors.js';

// How the context keys of the public site are read: each reader takes the raw context value and
// returns it checked, or throws an InvalidContextError naming the key. stackSettings.ts calls them
// beside the other settings' readers, so every problem is still reported at once.

export const SITE_MODES = ['private', 'public'] as const;
export type SiteMode = (typeof SITE_MODES)[number];

/** CloudFront takes a viewer certificate only from ACM in this region. */
export const CLOUDFRONT_CERTIFICATE_REGION = 'us-east-1';

// A DNS name of letters, digits and hyphens, at least two labels, as CloudFront accepts for an alias.
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[\w-]+$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

export function siteMode(value: unknown): SiteMode {
  if (!(SITE_MODES as readonly unknown[]).includes(value)) {
    throw new InvalidContextError('site', `must be one of ${SITE_MODES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as SiteMode;
}

/** `true` or `false`, as JSON or as the text `-c key=true` delivers. */
export function flag(key: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InvalidContextError(key, `must be true or false, got ${JSON.stringify(value)}`);
}

/** Lower-cased, without a trailing dot: how CloudFront and Route 53 compare names. */
export function domainName(value: unknown): string | undefined {
  const name = optionalText('domainName', value)?.toLowerCase().replace(/\.$/, '');
  if (name !== undefined && !HOST_NAME.test(name)) {
    throw new InvalidContextError(
      'domainName',
      `must be a host name such as feeds.example.com, got ${JSON.stringify(value)}`,
    );
  }
  return name;
}

export function certificateArn(value: unknown): string | undefined {
  const arn = optionalText('certificateArn', value);
  if (arn === undefined) return undefined;
  const region = CERTIFICATE_ARN.exec(arn)?.[1];
  if (region === undefined) {
    throw new InvalidContextError(
      'certificateArn',
      `must be an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>), got ${JSON.stringify(arn)}`,
    );
  }
  if (region !== CLOUDFRONT_CERTIFICATE_REGION) throw new CertificateRegionError(region);
  return arn;
}

export function hostedZoneId(value: unknown): string | undefined {
  const id = optionalText('hostedZoneId', value);
  if (id !== undefined && !HOSTED_ZONE_ID.test(id)) {
    throw new InvalidContextError(
      'hostedZoneId',
      `must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got ${JSON.stringify(id)}`,
    );
  }
  return id;
}

/** The custom domain's keys need each other: a name needs its certificate, the certificate and zone a name. */
export function domainProblems(
  given: Record<'domainName' | 'certificateArn' | 'hostedZoneId', unknown>,
): InvalidContextError[] {
  const has = (key: keyof typeof given) => given[key] !== undefined && given[key] !== '';
  const problems: InvalidContextError[] = [];
  if (has('domainName') && !has('certificateArn')) {
    problems.push(
      new InvalidContextError(
        'certificateArn',
        `is required with domainName: the ARN of an ACM certificate in ${CLOUDFRONT_CERTIFICATE_REGION} ` +
          'that covers the domain',
      ),
    );
  }
  for (const key of ['certificateArn', 'hostedZoneId'] as const) {
    if (has(key) && !has('domainName')) {
      const problem = 'applies only with domainName; give -c domainName=… or leave it out';
      problems.push(new InvalidContextError(key, problem));
    }
  }
  return problems;
}

function optionalText(key: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidContextError(key, `must be a string, got ${JSON.stringify(value)}`);
  return value.trim() || undefined;
}
