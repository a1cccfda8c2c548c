import { isDeepStrictEqual } from 'node:util';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, test } from 'vitest';
import { PublicSite } from '../../infra/publicSite.js';
import { SITE_CONTENT_SECURITY_POLICY } from '../../lambda/core/contentSecurityPolicy.js';
import { CACHE_CONTROL, OUTPUT_KEYS } from '../../lambda/core/storageLayout.js';
import {
  DOCUMENTED_MODES,
  type Json,
  logicalId,
  resourcesOf,
  type SynthesizedTributary,
  synthMode,
  synthTributary,
} from './synthTributary.js';

let byDefault: SynthesizedTributary;
/** site=public, nothing else: the distribution's own name, no prefix, no run reports. */
let site: SynthesizedTributary;
/** site=public with a custom domain and hosted zone, a prefix, and the run reports published. */
let domain: SynthesizedTributary;

beforeAll(() => {
  byDefault = synthMode('default');
  site = synthMode('sitePublic');
  domain = synthMode('sitePublicDomain');
});

const { domainName, certificateArn, hostedZoneId } = DOCUMENTED_MODES.sitePublicDomain;
const LATEST_OUTPUTS = Object.values(OUTPUT_KEYS);

const only = (s: SynthesizedTributary, type: string): [string, Json] => {
  const found = resourcesOf(s, type);
  expect(found, `one ${type}`).toHaveLength(1);
  return found[0]!;
};
const distributionConfig = (s: SynthesizedTributary): Json =>
  only(s, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
const distributionId = (s: SynthesizedTributary) => logicalId(s, s.stack.site!.distribution);
const outputBucketPolicy = (s: SynthesizedTributary): Json[] => {
  const bucket = logicalId(s, s.stack.output.bucket);
  const [, policy] = resourcesOf(s, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucket)!;
  return policy.Properties.PolicyDocument.Statement;
};
const objectArn = (s: SynthesizedTributary, key: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(s, s.stack.output.bucket), 'Arn'] }, `/${key}`]],
});
const environmentOf = (s: SynthesizedTributary, fn: { function: unknown }): Json =>
  s.template.toJSON().Resources[logicalId(s, fn.function as never)].Properties.Environment.Variables;

/** Runs the viewer-request function as CloudFront would, on one request path. */
function viewerRequest(s: SynthesizedTributary, uri: string): Json {
  const [, fn] = only(s, 'AWS::CloudFront::Function');
  const handler = new Function(`${fn.Properties.FunctionCode}\nreturn handler;`)();
  return handler({ request: { uri, method: 'GET', headers: {}, querystring: {} } });
}

describe('the default deployment', () => {
  test('has no CloudFront, Route 53 or certificate resources and no PUBLIC_BASE_URL', () => {
    const types = Object.values(byDefault.template.toJSON().Resources as Json).map((r) => r.Type as string);
    expect(types.filter((type) => /^AWS::(CloudFront|Route53|CertificateManager)::/.test(type))).toEqual([]);
    expect(byDefault.stack.site).toBeUndefined();
    expect(environmentOf(byDefault, byDefault.stack.pipeline).PUBLIC_BASE_URL).toBeUndefined();
    expect(Object.keys(byDefault.template.toJSON().Outputs)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(SiteUrl|AtomFeedUrl|JsonFeedUrl)$/)]),
    );
  });

  test("keeps the output bucket's policy to the one statement that refuses requests without TLS", () => {
    expect(outputBucketPolicy(byDefault)).toEqual([
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: [
          { 'Fn::GetAtt': [logicalId(byDefault, byDefault.stack.output.bucket), 'Arn'] },
          objectArn(byDefault, '*'),
        ],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });
});

describe('the public site: what it serves', () => {
  test('has one behaviour per published output, and nothing under state/ or runs/ without publishRuns', () => {
    const patterns: string[] = distributionConfig(site).CacheBehaviors.map((b: Json) => b.PathPattern);
    expect(patterns.sort()).toEqual(LATEST_OUTPUTS.map((key) => `/${key}`).sort());
    // Spelled out too: the published keys come from the code under test, and must never reach state.
    expect(patterns.sort()).toEqual(['/feed.json', '/feed.xml', '/index.html', '/status.html']);
  });

  test('with publishRuns, serves the run reports under the prefix too, and still nothing under state/', () => {
    const patterns = distributionConfig(domain).CacheBehaviors.map((b: Json) => b.PathPattern);
    expect(patterns.sort()).toEqual([...LATEST_OUTPUTS.map((key) => `/site/${key}`), '/site/runs/*'].sort());
  });

  test('answers every path without a behaviour of its own with 404 at the edge, and / with the reading page', () => {
    for (const path of ['/state/state.json', '/state/sources/0.json', '/runs/2026-01-01T00-00-00Z.json', '/x']) {
      expect(viewerRequest(site, path), path).toEqual({ statusCode: 404, statusDescription: 'Not Found' });
    }
    expect(viewerRequest(site, '/')).toMatchObject({ uri: '/index.html' });
    // With a prefix, the site's root and the prefix's root are both the reading page.
    expect(viewerRequest(domain, '/')).toMatchObject({ uri: '/site/index.html' });
    expect(viewerRequest(domain, '/site/')).toMatchObject({ uri: '/site/index.html' });
    expect(viewerRequest(domain, '/site')).toMatchObject({ uri: '/site/index.html' });
    for (const path of ['/site/state/state.json', '/site/state/', '/state/state.json', '/runs/x.json', '/feed.json']) {
      expect(viewerRequest(domain, path), path).toMatchObject({ statusCode: 404 });
    }
    const [, fn] = only(site, 'AWS::CloudFront::Function');
    expect(distributionConfig(site).DefaultCacheBehavior.FunctionAssociations).toEqual([
      {
        EventType: 'viewer-request',
        FunctionARN: { 'Fn::GetAtt': [only(site, 'AWS::CloudFront::Function')[0], 'FunctionARN'] },
      },
    ]);
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
  });

  test('reads the bucket through origin access control, signing every request', () => {
    const [oacId, oac] = only(site, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(distributionConfig(site).Origins).toEqual([
      expect.objectContaining({
        DomainName: { 'Fn::GetAtt': [logicalId(site, site.stack.output.bucket), 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      }),
    ]);
  });

  test('the bucket policy lets the distribution read the published keys only; the bucket stays private', () => {
    for (const [s, keys] of [
      [site, LATEST_OUTPUTS],
      [domain, [...LATEST_OUTPUTS.map((key) => `site/${key}`), 'site/runs/*']],
    ] as const) {
      const allows = outputBucketPolicy(s).filter((statement) => statement.Effect === 'Allow');
      expect(allows).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          // In any order: CloudFormation's policy documents are sets of resources.
          Resource: expect.toSatisfy((resources: unknown[]) =>
            isDeepStrictEqual(
              new Set(resources.map((r) => JSON.stringify(r))),
              new Set(keys.map((key) => JSON.stringify(objectArn(s, key)))),
            ),
          ),
          Condition: {
            StringEquals: {
              'AWS:SourceArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':cloudfront::',
                    { Ref: 'AWS::AccountId' },
                    ':distribution/',
                    { Ref: distributionId(s) },
                  ],
                ],
              },
            },
          },
        },
      ]);
      // Never the state, never every key of the bucket or of the prefix.
      expect(JSON.stringify(allows)).not.toMatch(/state\/|"\/(site\/)?\*"/);
      expect(
        s.template.toJSON().Resources[logicalId(s, s.stack.output.bucket)].Properties.PublicAccessBlockConfiguration,
      ).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });
});

describe('the public site: how it serves', () => {
  test('redirects HTTP to HTTPS, allows GET and HEAD only, compresses, on every behaviour', () => {
    const config = distributionConfig(site);
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behavior).toMatchObject({
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD'],
        CachedMethods: ['GET', 'HEAD'],
        Compress: true,
        CachePolicyId: { Ref: only(site, 'AWS::CloudFront::CachePolicy')[0] },
        ResponseHeadersPolicyId: { Ref: only(site, 'AWS::CloudFront::ResponseHeadersPolicy')[0] },
      });
    }
    expect(config).toMatchObject({ HttpVersion: 'http2and3', IPV6Enabled: true, Enabled: true });
  });

  test('caches each object as its Cache-Control says: 5 min for the latest outputs, up to a year for reports', () => {
    const maxAge = (value: string) => Number(/max-age=(\d+)/.exec(value)![1]);
    const [, policy] = only(site, 'AWS::CloudFront::CachePolicy');
    const config = policy.Properties.CachePolicyConfig;
    expect(config).toMatchObject({ MinTTL: 0, DefaultTTL: 300, MaxTTL: 31_536_000 });
    // The TTL bounds honour every Cache-Control the pipeline writes, so the object's header decides.
    expect(maxAge(CACHE_CONTROL.latest)).toBe(300);
    expect(maxAge(CACHE_CONTROL.immutable)).toBeLessThanOrEqual(config.MaxTTL);
    expect(config.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
      QueryStringsConfig: { QueryStringBehavior: 'none' },
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
    });
  });

  test("sends HSTS, the pages' Content-Security-Policy, nosniff, no referrer and no framing", () => {
    const [, policy] = only(site, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toEqual({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: false, Override: true },
      ContentSecurityPolicy: { ContentSecurityPolicy: SITE_CONTENT_SECURITY_POLICY, Override: true },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
    });
  });

  test('logs every request to its own log bucket, private and TLS only', () => {
    const logBucket = logicalId(site, site.stack.site!.logBucket);
    expect(distributionConfig(site).Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logBucket, 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
    expect(site.template.toJSON().Resources[logBucket].Properties).toMatchObject({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
    });
  });

  test("without a domain, answers on the distribution's own name with CloudFront's certificate", () => {
    const config = distributionConfig(site);
    expect(config.Aliases).toBeUndefined();
    expect(config.ViewerCertificate).toBeUndefined();
    site.template.resourceCountIs('AWS::Route53::RecordSet', 0);
  });
});

describe('the public site: a custom domain', () => {
  test('answers on the domain with the us-east-1 certificate, TLS 1.2 at least, SNI', () => {
    expect(distributionConfig(domain)).toMatchObject({
      Aliases: [domainName],
      ViewerCertificate: {
        AcmCertificateArn: certificateArn,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    });
  });

  test('creates the A and AAAA alias records in the hosted zone, pointing at the distribution', () => {
    const records = resourcesOf(domain, 'AWS::Route53::RecordSet').map(([, r]) => r.Properties);
    const target = {
      DNSName: { 'Fn::GetAtt': [distributionId(domain), 'DomainName'] },
      HostedZoneId: expect.anything(),
    };
    expect(records).toEqual([
      { Name: `${domainName}.`, Type: 'A', HostedZoneId: hostedZoneId, AliasTarget: target },
      { Name: `${domainName}.`, Type: 'AAAA', HostedZoneId: hostedZoneId, AliasTarget: target },
    ]);
  });

  test('creates no records without hostedZoneId', () => {
    const stack = new Stack();
    new PublicSite(stack, 'Site', {
      bucket: new s3.Bucket(stack, 'Bucket'),
      prefix: '',
      publishRuns: false,
      domain: { name: domainName, certificateArn },
    });
    Template.fromStack(stack).resourceCountIs('AWS::Route53::RecordSet', 0);
  });
});

describe('the public site: feeds that name their public address', () => {
  const joined = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });

  test("sets the pipeline's PUBLIC_BASE_URL to the distribution's name, or the domain, with the prefix", () => {
    expect(environmentOf(site, site.stack.pipeline).PUBLIC_BASE_URL).toEqual(
      joined('https://', { 'Fn::GetAtt': [distributionId(site), 'DomainName'] }, '/'),
    );
    expect(environmentOf(domain, domain.stack.pipeline).PUBLIC_BASE_URL).toBe(`https://${domainName}/site/`);
  });

  test('gives SiteUrl, AtomFeedUrl and JsonFeedUrl as outputs', () => {
    const outputs = domain.template.toJSON().Outputs as Json;
    expect(outputs.SiteUrl.Value).toBe(`https://${domainName}/site/`);
    expect(outputs.AtomFeedUrl.Value).toBe(`https://${domainName}/site/feed.xml`);
    expect(outputs.JsonFeedUrl.Value).toBe(`https://${domainName}/site/feed.json`);
    const own = site.template.toJSON().Outputs as Json;
    expect(own.AtomFeedUrl.Value).toEqual(
      joined('https://', { 'Fn::GetAtt': [distributionId(site), 'DomainName'] }, '/feed.xml'),
    );
  });

  test('in distributed mode, the start step gets it: it hands the feed identity to the merge step', () => {
    const distributed = synthTributary({ mode: 'distributed', site: 'public' });
    const steps = distributed.stack.distributed!;
    const url = joined('https://', { 'Fn::GetAtt': [distributionId(distributed), 'DomainName'] }, '/');
    expect(environmentOf(distributed, steps.start).PUBLIC_BASE_URL).toEqual(url);
    expect(environmentOf(distributed, distributed.stack.pipeline).PUBLIC_BASE_URL).toEqual(url);
    expect(environmentOf(distributed, steps.worker).PUBLIC_BASE_URL).toBeUndefined();
    expect(new AwsSolutionsChecks().validateScope(distributed.app).violations).toEqual([]);
  });
});

describe('the public site: cdk-nag', () => {
  test('reports nothing unacknowledged, with and without a domain', () => {
    for (const s of [site, domain]) {
      const report = new AwsSolutionsChecks().validateScope(s.app);
      expect(
        report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
      ).toEqual([]);
    }
  });

  test('acknowledges TLSv1 on the default certificate only where there is no domain', () => {
    const acknowledged = (s: SynthesizedTributary) =>
      s.stack
        .site!.distribution.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules')
        .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(acknowledged(site)).toContain('Annotation::AwsSolutions-CFR4');
    expect(acknowledged(domain)).not.toContain('Annotation::AwsSolutions-CFR4');
    expect(acknowledged(domain)).toEqual(['Annotation::AwsSolutions-CFR1', 'Annotation::AwsSolutions-CFR2']);
  });

  test('synthesizes without a CDK warning (no ignored minimumProtocolVersion, no log bucket ACL trouble)', () => {
    for (const s of [site, domain]) {
      expect(Annotations.fromStack(s.stack).findWarning('*', Match.anyValue())).toEqual([]);
    }
  });
});
