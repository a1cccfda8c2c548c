import { randomBytes } from 'node:crypto';
import type { RunRequest } from '../input/event.js';

/**
 * Scheduled runs are named by their schedule time, so a retried delivery is the same run; ad hoc
 * runs get a fresh name. Names sort by time, so `runs/` lists in order.
 */
export function runIdFor(request: RunRequest, now: number): string {
  const compact = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  if (request.scheduledTime) return `${compact(request.scheduledTime)}-scheduled`;
  return `${compact(new Date(now).toISOString())}-adhoc-${randomBytes(3).toString('hex')}`;
}
