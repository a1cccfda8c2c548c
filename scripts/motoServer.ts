import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'moto_server (the moto AWS emulator) is needed for the integration tests. Install it with: pip install ' +
  '"moto[server]"';

/** Starts moto_server on a free loopback port and waits until it answers. */
export async function startMotoServer(): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(INSTALL_HINT) : error),
    );
    child.once('exit', (code) => reject(new Error(`moto_server exited with ${code}: ${stderr}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await Promise.race([waitUntilAnswering(endpoint), spawnError]);
  return { endpoint, stop: () => stop(child) };
}

async function waitUntilAnswering(endpoint: string): Promise<void> {
  const giveUpAt = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      await response.arrayBuffer();
      return;
    } catch (error) {
      if (Date.now() > giveUpAt) throw new Error(`moto_server did not answer on ${endpoint}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Credentials moto accepts; the secret is distinctive so a test can prove it never reaches a log. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'secret-that-must-never-be-logged' };
export const MOTO_REGION = 'us-east-1';

/**
 * The environment the function gets in Lambda, pointed at moto: outputs under `prefix` of
 * `bucket`, sources from `s3://bucket/sourcesKey` (else the bundled ones), loopback sources allowed.
 */
export function lambdaEnvironment(
  moto: MotoServer,
  options: { bucket: string; prefix: string; sourcesKey?: string; topicArn?: string },
): Record<string, string> {
  return {
    OUTPUT_BUCKET: options.bucket,
    OUTPUT_PREFIX: options.prefix,
    ...(options.topicArn ? { TOPIC_ARN: options.topicArn, AWS_ENDPOINT_URL_SNS: moto.endpoint } : {}),
    ...(options.sourcesKey ? { SOURCES_URI: `s3://${options.bucket}/${options.sourcesKey}` } : {}),
    S3_FORCE_PATH_STYLE: 'true',
    ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
    AWS_REGION: MOTO_REGION,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: moto.endpoint,
  };
}

/** A bucket created in moto, with what tests do to it most: write, read and list objects. */
export interface MotoBucket {
  s3: S3Client;
  name: string;
  put(key: string, body: string): Promise<void>;
  read(key: string): Promise<{ body: string; contentType?: string; cacheControl?: string }>;
  /** Every key under `prefix`, sorted. */
  keys(prefix: string): Promise<string[]>;
}

export async function createMotoBucket(moto: MotoServer, name: string): Promise<MotoBucket> {
  const s3 = new S3Client({
    region: MOTO_REGION,
    endpoint: moto.endpoint,
    credentials: MOTO_CREDENTIALS,
    forcePathStyle: true,
  });
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return {
    s3,
    name,
    put: async (key, body) => void (await s3.send(new PutObjectCommand({ Bucket: name, Key: key, Body: body }))),
    read: async (key) => {
      const response = await s3.send(new GetObjectCommand({ Bucket: name, Key: key }));
      return {
        body: (await response.Body?.transformToString()) ?? '',
        contentType: response.ContentType,
        cacheControl: response.CacheControl,
      };
    },
    keys: async (prefix) => {
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: name, Prefix: prefix, ContinuationToken }));
        keys.push(...(page.Contents ?? []).map((entry) => entry.Key ?? ''));
        ContinuationToken = page.NextContinuationToken;
      } while (ContinuationToken);
      return keys.sort();
    },
  };
}
