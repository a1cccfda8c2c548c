import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { type Failure, SourceError } from '../lambda/core/errors.js';
import type { Item } from '../lambda/core/model.js';
import type { ParseContext } from '../lambda/parse/parseContext.js';
import { bundleForNode } from './bundleForNode.js';

export interface ParseRequest {
  id: number;
  body: Uint8Array;
  context: ParseContext;
  /** Items sent back at most, newest first: the cap processSource applies, so no more cross threads. */
  maxItems: number;
}

export type ParseReply = { id: number; items: Item[] } | { id: number; failure: Failure };

interface Pending {
  resolve: (items: Item[]) => void;
  reject: (error: SourceError) => void;
}

const WORKER_ENTRY = fileURLToPath(new URL('./parseWorker.ts', import.meta.url));

/**
 * parseFeedSource on worker threads, so a long parse never holds up the event loop that drives the
 * fetches. A body is copied to the worker rather than transferred: small Buffers share one pooled
 * ArrayBuffer, and transferring it would detach every other Buffer in that pool.
 */
export class ParsePool {
  private readonly workers: Worker[];
  private readonly outstanding: number[];
  private readonly pending = new Map<number, Pending>();
  private waitingForRoom: (() => void)[] = [];
  private nextId = 0;

  private constructor(workers: Worker[]) {
    this.workers = workers;
    this.outstanding = workers.map(() => 0);
    workers.forEach((worker, index) =>
      worker.on('message', (reply: ParseReply) => {
        this.outstanding[index]! -= 1;
        const waiting = this.pending.get(reply.id)!;
        this.pending.delete(reply.id);
        if ('items' in reply) waiting.resolve(reply.items);
        else waiting.reject(new SourceError(reply.failure.code, reply.failure.message));
        const woken = this.waitingForRoom;
        this.waitingForRoom = [];
        woken.forEach((wake) => wake());
      }),
    );
  }

  /**
   * Starts `size` workers and resolves once every one can take work. The worker is bundled first,
   * as the Lambda build would bundle it as a second entry point: tsx does not reach worker threads
   * on Node 20, and a bundle starts as fast as it would in production.
   */
  static async start(size: number): Promise<ParsePool> {
    if (!Number.isInteger(size) || size < 1)
      throw new TypeError(`Expected \`size\` to be a positive integer, got \`${size}\``);
    const folder = await mkdtemp(join(tmpdir(), 'tributary-parse-worker-'));
    const bundle = join(folder, 'parseWorker.mjs');
    await bundleForNode(WORKER_ENTRY, bundle);
    const workers = await Promise.all(
      Array.from({ length: size }, async () => {
        const worker = new Worker(bundle);
        await new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        });
        return worker;
      }),
    );
    await rm(folder, { recursive: true, force: true });
    return new ParsePool(workers);
  }

  /**
   * Resolves once fewer than `limit` bodies are waiting or being parsed. A caller that waits here
   * before each parse keeps the bodies held in memory bounded, however far fetching runs ahead.
   */
  async below(limit: number): Promise<void> {
    while (this.pending.size >= limit) await new Promise<void>((wake) => this.waitingForRoom.push(wake));
  }

  /**
   * Same contract as parseFeedSource, capped as processSource caps: the newest `maxItems` items, or a rejection with
   * its SourceError.
   */
  parse(body: Buffer, context: ParseContext, maxItems: number): Promise<Item[]> {
    const id = this.nextId++;
    const index = this.outstanding.indexOf(Math.min(...this.outstanding));
    this.outstanding[index]! += 1;
    const request: ParseRequest = { id, body, context, maxItems };
    return new Promise<Item[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[index]!.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
