import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ssmParameterReader } from '../../lambda/adapters/ssmParameterReader.js';
import type { Source } from '../../lambda/core/model.js';
import { resolveHeaders } from '../../lambda/run/resolveHeaders.js';
import { SecretCache } from '../../lambda/run/secretCache.js';
import { type MotoServer, startMotoServer } from '../../scripts/motoServer.js';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * Creates a Secrets Manager secret in moto. The project ships no Secrets Manager client (it reads
 * secrets through SSM), and moto does not check signatures, so a bare JSON request does it.
 */
async function createSecret(endpoint: string, name: string, value: string): Promise<void> {
  const response = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.CreateSecret',
      // moto routes a request to a service by the credential scope of its Authorization header.
      authorization:
        `AWS4-HMAC-SHA256 Credential=test/20240101/${REGION}/secretsmanager/aws4_request, ` +
        'SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ Name: name, SecretString: value }),
  });
  if (!response.ok) throw new Error(`CreateSecret ${name}: HTTP ${response.status} ${await response.text()}`);
}

/** An SSM client that also counts the GetParameters calls it makes. */
function countingClient(endpoint: string): { ssm: SSMClient; calls: string[][] } {
  const ssm = new SSMClient({ endpoint, region: REGION, credentials: CREDENTIALS, maxAttempts: 1 });
  const calls: string[][] = [];
  ssm.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetParametersCommand') calls.push([...(args.input as { Names: string[] }).Names]);
      return next(args);
    },
    { step: 'initialize' },
  );
  return { ssm, calls };
}

const source = (id: string, headers: Source['headers']): Source => ({
  id,
  url: `https://${id}.example/feed`,
  type: 'feed',
  headers,
});

describe('secret headers read from SSM Parameter Store and Secrets Manager (moto)', () => {
  let moto: MotoServer;

  beforeAll(async () => {
    moto = await startMotoServer();
    const ssm = new SSMClient({ endpoint: moto.endpoint, region: REGION, credentials: CREDENTIALS });
    await ssm.send(
      new PutParameterCommand({ Name: '/tributary/github-token', Value: 'Bearer ghp_from_ssm', Type: 'SecureString' }),
    );
    for (let index = 0; index < 12; index += 1) {
      await ssm.send(
        new PutParameterCommand({ Name: `/tributary/key-${index}`, Value: `value-${index}`, Type: 'SecureString' }),
      );
    }
    ssm.destroy();
    await createSecret(moto.endpoint, 'prod/news-api-key', 'news-key-from-secrets-manager');
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('reads an SSM SecureString and a Secrets Manager secret in one GetParameters call', async () => {
    const { ssm, calls } = countingClient(moto.endpoint);

    const resolved = await resolveHeaders(
      [
        source('releases', { Authorization: { fromSsm: '/tributary/github-token' } }),
        source('news', { 'X-Api-Key': { fromSecret: 'prod/news-api-key' }, 'Accept-Language': 'en' }),
      ],
      new SecretCache(ssmParameterReader(ssm)),
    );

    expect(Object.fromEntries(resolved.headers)).toEqual({
      releases: { Authorization: 'Bearer ghp_from_ssm' },
      news: { 'X-Api-Key': 'news-key-from-secrets-manager', 'Accept-Language': 'en' },
    });
    expect(calls).toEqual([['/tributary/github-token', '/aws/reference/secretsmanager/prod/news-api-key']]);
  });

  it('splits more than ten names into calls of ten, as GetParameters requires', async () => {
    const { ssm, calls } = countingClient(moto.endpoint);
    const sources = Array.from({ length: 12 }, (_, index) =>
      source(`s${index}`, { 'X-Key': { fromSsm: `/tributary/key-${index}` } }),
    );

    const resolved = await resolveHeaders(sources, new SecretCache(ssmParameterReader(ssm)));

    expect(calls.map((names) => names.length)).toEqual([10, 2]);
    expect(resolved.headers.get('s11')).toEqual({ 'X-Key': 'value-11' });
    expect(resolved.failures.size).toBe(0);
  });

  it('fails only the sources whose secret does not exist, even when that fails the whole batch', async () => {
    const { ssm } = countingClient(moto.endpoint);

    const resolved = await resolveHeaders(
      [
        source('releases', { Authorization: { fromSsm: '/tributary/github-token' } }),
        source('gone-secret', { 'X-Api-Key': { fromSecret: 'prod/deleted' } }),
        source('gone-parameter', { 'X-Api-Key': { fromSsm: '/tributary/deleted' } }),
      ],
      new SecretCache(ssmParameterReader(ssm)),
    );

    expect(resolved.headers.get('releases')).toEqual({ Authorization: 'Bearer ghp_from_ssm' });
    expect(Object.fromEntries([...resolved.failures].map(([id, failure]) => [id, failure.message]))).toEqual({
      'gone-secret': 'header "X-Api-Key": Secrets Manager secret "prod/deleted" not found',
      'gone-parameter': 'header "X-Api-Key": SSM parameter "/tributary/deleted" not found',
    });
  });

  it('fails the sources, without throwing, when SSM cannot be reached at all', async () => {
    const ssm = new SSMClient({
      endpoint: 'http://127.0.0.1:9',
      region: REGION,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });

    const resolved = await resolveHeaders(
      [source('releases', { Authorization: { fromSsm: '/tributary/github-token' } })],
      new SecretCache(ssmParameterReader(ssm)),
    );

    expect(resolved.failures.get('releases')?.code).toBe('secret_unavailable');
    expect(resolved.failures.get('releases')?.message).toBe(
      'header "Authorization": SSM parameter "/tributary/github-token" could not be read (ECONNREFUSED)',
    );
  });
});
