import { describe, expect, it } from 'vitest';
import { readLambdaConfig } from '../../../lambda/main/config.js';

const valid = { OUTPUT_BUCKET: 'tributary-out' };

describe('Lambda environment', () => {
  it('names OUTPUT_BUCKET when it is missing', () => {
    expect(() => readLambdaConfig({})).toThrowError(/^OUTPUT_BUCKET: is required/);
  });

  it('treats "site" and "site/" as the same prefix, and no prefix as the bucket root', () => {
    expect(readLambdaConfig({ ...valid, OUTPUT_PREFIX: 'site' }).outputPrefix).toBe('site/');
    expect(readLambdaConfig({ ...valid, OUTPUT_PREFIX: 'site/' }).outputPrefix).toBe('site/');
    expect(readLambdaConfig(valid).outputPrefix).toBe('');
  });

  it('reads S3_FORCE_PATH_STYLE and names it when it is neither true nor false', () => {
    expect(readLambdaConfig({ ...valid, S3_FORCE_PATH_STYLE: 'true' }).forcePathStyle).toBe(true);
    expect(readLambdaConfig(valid).forcePathStyle).toBe(false);
    expect(() => readLambdaConfig({ ...valid, S3_FORCE_PATH_STYLE: 'yes' })).toThrowError(/^S3_FORCE_PATH_STYLE:/);
  });

  it('names TOPIC_ARN when it is not an SNS topic ARN', () => {
    expect(() => readLambdaConfig({ ...valid, TOPIC_ARN: 'my-topic' })).toThrowError(/^TOPIC_ARN:/);
    expect(readLambdaConfig({ ...valid, TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:runs' }).topicArn).toBe(
      'arn:aws:sns:eu-west-1:123456789012:runs',
    );
  });

  it('names SOURCES_URI when an s3 URI has no key', () => {
    expect(() => readLambdaConfig({ ...valid, SOURCES_URI: 's3://bucket' })).toThrowError(/^SOURCES_URI:/);
    expect(readLambdaConfig({ ...valid, SOURCES_URI: 's3://bucket/config/sources.json' }).sourcesUri).toBe(
      's3://bucket/config/sources.json',
    );
  });

  it('names ALLOW_PRIVATE_NETWORKS when it is not true or a CIDR list', () => {
    expect(() => readLambdaConfig({ ...valid, ALLOW_PRIVATE_NETWORKS: 'maybe' })).toThrowError(
      /ALLOW_PRIVATE_NETWORKS/,
    );
  });

  it('reads PUBLIC_BASE_URL as a folder URL, and names it when it is not http(s)', () => {
    expect(readLambdaConfig({ ...valid, PUBLIC_BASE_URL: 'https://d1.cloudfront.net' }).publicBaseUrl).toBe(
      'https://d1.cloudfront.net/',
    );
    expect(readLambdaConfig({ ...valid, PUBLIC_BASE_URL: 'https://feeds.example/site/' }).publicBaseUrl).toBe(
      'https://feeds.example/site/',
    );
    expect(readLambdaConfig(valid).publicBaseUrl).toBeUndefined();
    expect(() => readLambdaConfig({ ...valid, PUBLIC_BASE_URL: 'ftp://feeds.example/' })).toThrowError(
      /^PUBLIC_BASE_URL: must be an http\(s\) URL without query or fragment: "ftp:\/\/feeds.example\/"$/,
    );
  });
});
