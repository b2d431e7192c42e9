// Every Gmail call of the sync and send paths goes through here: paced by the mailbox's quota
// bucket, retried by the one retry policy (rate refusals at the time Gmail names, 5xx with jitter),
// each retry paying its quota again as Gmail charges it.

import type { Pacer } from './mailbox-pacer.ts';
import type { GmailMethod } from './quota-costs.ts';
import { withRetries } from './retry-policy.ts';

export interface GmailCallOptions {
  /** messages.send is not idempotent: retried only when Gmail provably did not act. */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** The most the call waits in all while Gmail refuses for rate (a request someone waits on: less). */
  maxWaitMs?: number;
  onRetry?: (reason: string, attempt: number) => void;
}

export function callGmail<T>(
  pacer: Pacer,
  method: GmailMethod,
  call: () => Promise<T>,
  opts: GmailCallOptions = {},
): Promise<T> {
  const run = () => pacer.run(method, call, { signal: opts.signal, maxWaitMs: opts.maxWaitMs });
  return withRetries(run, {
    idempotent: opts.idempotent ?? true,
    signal: opts.signal,
    ...(opts.maxWaitMs !== undefined ? { maxWaitMs: opts.maxWaitMs } : {}),
    ...(pacer.retryMs ? { minMs: pacer.retryMs.min, maxMs: pacer.retryMs.max } : {}),
    onRetry: (failure, attempt) => opts.onRetry?.(failure.reason, attempt),
  });
}
