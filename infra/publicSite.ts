import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SITE_CONTENT_SECURITY_POLICY } from '../lambda/core/contentSecurityPolicy.js';
import { OUTPUT_KEYS, RUN_REPORTS_FOLDER } from '../lambda/core/storageLayout.js';
import { privateBucketDefaults } from './outputBucket.js';

export interface SiteDomain {
  /** The site's own host name, e.g. `feeds.example.com`. */
  readonly name: string;
  /** An ACM certificate in us-east-1 covering `name`. */
  readonly certificateArn: string;
  /** A Route 53 hosted zone to create `name`'s A and AAAA alias records in. @default no records */
  readonly hostedZoneId?: string;
}

export interface PublicSiteProps {
  /** The output bucket: it stays private; the distribution reads the published keys only. */
  readonly bucket: s3.IBucket;
  /** Key prefix of the outputs, '' or ending in '/'. The public paths are the keys. */
  readonly prefix: string;
  /** Serve the run reports `<prefix>runs/<runId>.json` too. */
  readonly publishRuns: boolean;
  /** @default the distribution's own `*.cloudfront.net` name */
  readonly domain?: SiteDomain;
  /** Delete the log bucket and its objects with the stack. @default false: kept */
  readonly disposable?: boolean;
}

/** For objects without a Cache-Control of their own; every output has one (storageLayout's CACHE_CONTROL). */
const DEFAULT_TTL = Duration.minutes(5);
/** As long as the longest Cache-Control the pipeline writes: a year, for immutable run reports. */
const MAX_TTL = Duration.days(365);
const HSTS_MAX_AGE = Duration.days(730); // 2 years
const LOG_RETENTION = Duration.days(365);

/**
 * The outputs as a public website: a CloudFront distribution in front of the private output
 * bucket that serves only the published files (the feeds, the two pages and, if asked, the run
 * reports) over HTTPS, with security headers, compression, and caching that follows each object's
 * Cache-Control. Public paths are the object keys (`/<prefix>feed.json`), and `/` (and
 * `/<prefix>`) is the reading page.
 *
 * Two walls keep `state/` and, unless published, `runs/` out: each published key has a behaviour
 * of its own and every other path falls to the default behaviour, whose viewer-request function
 * answers 404 at the edge; and the bucket policy lets this distribution read the published keys
 * and nothing else.
 */
export class PublicSite extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** The key patterns served, under the prefix: what the behaviours and the bucket policy name. */
  readonly publishedKeys: readonly string[];
  /** Where the outputs are served, ending in `/`: the functions' PUBLIC_BASE_URL. */
  readonly baseUrl: string;
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: PublicSiteProps) {
    super(scope, id);
    const { bucket, prefix, domain } = props;
    this.publishedKeys = [...Object.values(OUTPUT_KEYS), ...(props.publishRuns ? [`${RUN_REPORTS_FOLDER}*`] : [])].map(
      (key) => `${prefix}${key}`,
    );
    this.logBucket = this.accessLogBucket(props.disposable);

    // An explicit origin access control, and the bucket's grant written here: the OAC origin of
    // S3BucketOrigin.withOriginAccessControl grants GetObject on `bucket/*`, which would open state/.
    const originAccessControl = new cloudfront.S3OriginAccessControl(this, 'OriginAccessControl', {
      description: 'Tributary: the public site reads the published outputs',
      signing: cloudfront.Signing.SIGV4_ALWAYS,
    });
    const origin = origins.S3BucketOrigin.withBucketDefaults(bucket, {
      originAccessControlId: originAccessControl.originAccessControlId,
    });
    const behavior = this.behavior(origin);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Tributary: the published feeds and pages',
      defaultBehavior: {
        ...behavior,
        functionAssociations: [
          { function: this.rootOnly(prefix), eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: Object.fromEntries(this.publishedKeys.map((key) => [`/${key}`, behavior])),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // North America and Europe: the cheapest edges; readers elsewhere are served from the nearest of them.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(domain && {
        domainNames: [domain.name],
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      }),
    });
    this.grantReadOfPublishedKeys(bucket);
    this.acknowledgeFindings(domain !== undefined);
    if (domain?.hostedZoneId) this.aliasRecords(domain.name, domain.hostedZoneId);
    this.baseUrl = `https://${domain?.name ?? this.distribution.distributionDomainName}/${prefix}`;
  }

  /** What every published file is served with; the default behaviour adds its function. */
  private behavior(origin: cloudfront.IOrigin): cloudfront.BehaviorOptions {
    return {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      compress: true,
      cachePolicy: new cloudfront.CachePolicy(this, 'CachePolicy', {
        comment: "Tributary outputs: each object's Cache-Control decides (5 min for the latest outputs)",
        minTtl: Duration.seconds(0),
        defaultTtl: DEFAULT_TTL,
        maxTtl: MAX_TTL,
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
        queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
        headerBehavior: cloudfront.CacheHeaderBehavior.none(),
        cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      }),
      responseHeadersPolicy: new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
        comment: "Tributary: HSTS, the pages' CSP, nosniff, no referrer, no framing",
        securityHeadersBehavior: {
          strictTransportSecurity: { accessControlMaxAge: HSTS_MAX_AGE, includeSubdomains: false, override: true },
          contentSecurityPolicy: { contentSecurityPolicy: SITE_CONTENT_SECURITY_POLICY, override: true },
          contentTypeOptions: { override: true },
          // A reader's click on an item tells the item's site nothing about where the reader found it.
          referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
          frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        },
      }),
    };
  }

  /**
   * The default behaviour's viewer-request function: the site's root is the reading page, and any
   * path without a behaviour of its own (state/, runs/ unless published, a typo) is 404 at the edge.
   */
  private rootOnly(prefix: string): cloudfront.Function {
    // `/site/` and `/site` alike, with a prefix.
    const roots = [...new Set(['/', `/${prefix}`, `/${prefix}`.replace(/(.)\/$/, '$1')])];
    return new cloudfront.Function(this, 'RootOnly', {
      comment: 'Serves / as the reading page; every path that is not published is 404',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        `function handler(event) {
  var request = event.request;
  if (${JSON.stringify(roots)}.indexOf(request.uri) !== -1) {
    request.uri = ${JSON.stringify(`/${prefix}${OUTPUT_KEYS.html}`)};
    return request;
  }
  return { statusCode: 404, statusDescription: 'Not Found' };
}`,
      ),
    });
  }

  /**
   * The OAC statement the CloudFront guide gives
   * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html):
   * the `cloudfront.amazonaws.com` principal, `s3:GetObject`, and `AWS:SourceArn` naming this
   * distribution, on the published keys instead of the whole bucket.
   */
  private grantReadOfPublishedKeys(bucket: s3.IBucket): void {
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: this.publishedKeys.map((key) => bucket.arnForObjects(key)),
        conditions: { StringEquals: { 'AWS:SourceArn': this.distribution.distributionArn } },
      }),
    );
  }

  /**
   * CloudFront's standard logs are written with an ACL, so this bucket, unlike the output bucket's
   * log bucket, allows ACLs (object writer), as the Distribution's `logBucket` asks.
   */
  private accessLogBucket(disposable = false): s3.Bucket {
    const logBucket = new s3.Bucket(this, 'AccessLogs', {
      ...privateBucketDefaults(disposable),
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ id: 'ExpireSiteLogs', expiration: LOG_RETENTION }],
    });
    Validations.of(logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "This bucket holds the distribution's access logs; logging access to it would need yet another log bucket.",
    });
    return logBucket;
  }

  private acknowledgeFindings(customDomain: boolean): void {
    const acknowledge = (id: string, reason: string) => Validations.of(this.distribution).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-CFR1',
      'A public feed is for readers anywhere: there is no country it must be kept from, so no geo restriction.',
    );
    acknowledge(
      'AwsSolutions-CFR2',
      'The site serves a few small static files, read-only, with no forms or logins; AWS Shield Standard comes ' +
        'with CloudFront, and a WAF web ACL (billed monthly) can be attached if traffic ever calls for it.',
    );
    if (!customDomain) {
      acknowledge(
        'AwsSolutions-CFR4',
        'Without domainName the distribution answers on *.cloudfront.net with the CloudFront default certificate, ' +
          'whose security policy CloudFront fixes at TLSv1; with domainName and certificateArn it is TLSv1.2_2021.',
      );
    }
  }

  /** Named absolutely, so the zone may be the domain's parent (example.com for feeds.example.com). */
  private aliasRecords(name: string, hostedZoneId: string): void {
    const zone = route53.HostedZone.fromHostedZoneId(this, 'Zone', hostedZoneId);
    const target = route53.RecordTarget.fromAlias(new route53Targets.CloudFrontTarget(this.distribution));
    new route53.ARecord(this, 'AliasIpv4', { zone, recordName: `${name}.`, target });
    new route53.AaaaRecord(this, 'AliasIpv6', { zone, recordName: `${name}.`, target });
  }
}
