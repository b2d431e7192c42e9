// The worker role: graphile-worker running our task list and the poll crontab on the shared
// pool. stop() lets in-flight jobs finish before it resolves.
import { EventEmitter } from 'node:events';
import {
  type Runner,
  run,
  type TaskList,
  type WorkerEvents,
  Logger as WorkerLogger,
} from 'graphile-worker';
import type { Deps } from '../deps.ts';
import type { Logger } from '../logger.ts';
import { holdProcessLease, reapDeadWorkers } from './worker-liveness.ts';

export interface Worker {
  runner: Runner;
  stop(): Promise<void>;
}

/** Syncs mostly wait on Gmail's quota and round trips, so many run at once per process. */
export const WORKER_CONCURRENCY = 64;

export interface WorkerOptions {
  taskList: TaskList;
  concurrency?: number;
  crontab?: string;
}

export async function startWorker(
  deps: Pick<Deps, 'database' | 'log'>,
  opts: WorkerOptions,
): Promise<Worker> {
  const pool = deps.database.pool;
  const lease = await holdProcessLease(pool);
  const reaped = await reapDeadWorkers(pool);
  if (reaped > 0)
    deps.log.warn({ processes: reaped }, 'unlocked the jobs of dead worker processes');
  const events = new EventEmitter() as WorkerEvents;
  const registrations: Promise<void>[] = [];
  // Jobs are locked under the pool's id (and, in some modes, a worker's): record both.
  events.on('pool:create', ({ workerPool }) => {
    registrations.push(lease.register(workerPool.id));
  });
  events.on('worker:create', ({ worker }) => {
    registrations.push(lease.register(worker.workerId));
  });
  const concurrency = opts.concurrency ?? WORKER_CONCURRENCY;
  const runner = await run({
    pgPool: pool,
    events,
    taskList: opts.taskList,
    concurrency,
    // An empty crontab string would make graphile-worker look for a ./crontab file instead.
    ...(opts.crontab ? { crontab: opts.crontab } : { parsedCronItems: [] }),
    noHandleSignals: true,
    // LISTEN/NOTIFY picks jobs up at once; polling only covers missed notifications.
    pollInterval: 2_000,
    // Jobs fetched in batches, not one statement each: a poll sweep queues a job per mailbox. A job
    // fetched but not yet started is locked meanwhile; a push for its mailbox then queues one more
    // sync, which is harmless. (Batched completion, completeJobBatchDelay, was tried and left off:
    // after a PostgreSQL restart the worker stopped taking jobs — caught by `npm run chaos`.)
    preset: { worker: { localQueue: { size: concurrency } } },

    logger: toWorkerLogger(deps.log.child({ component: 'worker' })),
  });
  await Promise.all(registrations);
  return {
    runner,
    stop: async () => {
      await runner.stop();
      await lease.release();
    },
  };
}

function toWorkerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { job_id: scope.jobId, task: scope.taskIdentifier, ...meta };
    if (level === 'error') log.error(fields, message);
    // Sized on purpose (see poolSize in service.ts): our jobs wait on Gmail, not on PostgreSQL.
    else if (level === 'warning' && /maxPoolSize .* smaller than concurrency/.test(message))
      log.debug(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    else log.debug(fields, message);
  });
}
