// The worker role: graphile-worker running our task list and the poll crontab on the shared
// pool, supervised. graphile-worker's runner can end on its own (a batch of completions or a job
// return that keeps failing while PostgreSQL restarts makes it shut itself down) and can sit idle
// with jobs waiting; either way the process lived on and took nothing. The supervisor starts a new
// runner when the old one ends unasked or the stall watch finds it idle (worker-stall.ts).
// stop() lets in-flight jobs finish before it resolves.
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
import { type WorkerHealth, watchForStall } from './worker-stall.ts';

export interface Worker {
  /** The runner taking jobs now (a new one after a restart). */
  runner(): Runner;
  health(): WorkerHealth;
  stop(): Promise<void>;
}

/** Syncs mostly wait on Gmail's quota and round trips, so many run at once per process. */
export const WORKER_CONCURRENCY = 64;

export interface WorkerOptions {
  taskList: TaskList;
  concurrency?: number;
  crontab?: string;
  /** How long runnable jobs may wait while the worker starts none before it counts as stalled. */
  stallAfterMs?: number;
  stallCheckEveryMs?: number;
  /** How often dead worker processes are looked for (and once at start). */
  reapEveryMs?: number;
}

const REAP_EVERY_MS = 60_000;

export async function startWorker(
  deps: Pick<Deps, 'database' | 'log'> & Partial<Pick<Deps, 'metrics'>>,
  opts: WorkerOptions,
): Promise<Worker> {
  const pool = deps.database.pool;
  const log = deps.log.child({ component: 'worker' });
  const lease = await holdProcessLease(pool, {
    onRenewed: () => log.warn('database connection lost: worker lease taken again'),
  });
  // Dead processes' jobs are unlocked at start and then every REAP_EVERY_MS, by every worker.
  const reap = async () => {
    const reaped = await reapDeadWorkers(pool, { ownLeaseRenewedAt: lease.renewedAt() });
    if (reaped > 0) log.warn({ processes: reaped }, 'unlocked the jobs of dead worker processes');
  };
  await reap();
  const reaping = setInterval(
    () => void reap().catch((err: unknown) => log.warn({ err }, 'reaping dead workers failed')),
    opts.reapEveryMs ?? REAP_EVERY_MS,
  );
  reaping.unref();
  // Syncs mostly wait on Gmail's quota and round trips, so many run at once per process.
  const concurrency = opts.concurrency ?? 64;
  const stallAfterMs = opts.stallAfterMs ?? 30_000;
  const watch = watchForStall({
    pool,
    taskNames: Object.keys(opts.taskList),
    concurrency,
    stallAfterMs,
    checkEveryMs: opts.stallCheckEveryMs ?? Math.min(5_000, stallAfterMs / 2),
    onStall: () => void restart('stalled: runnable jobs waiting, none started'),
  });
  deps.metrics?.watchWorker(watch.health);

  const events = new EventEmitter() as WorkerEvents;
  const registrations: Promise<void>[] = [];
  // Jobs are locked under the pool's id (and, in some modes, a worker's): record both.
  events.on('pool:create', ({ workerPool }) => {
    registrations.push(lease.register(workerPool.id));
  });
  events.on('worker:create', ({ worker }) => {
    registrations.push(lease.register(worker.workerId));
  });
  events.on('job:start', () => watch.jobStarted());
  events.on('job:complete', () => watch.jobEnded());

  const start = async (): Promise<Runner> => {
    const started = await run({
      pgPool: pool,
      events,
      taskList: opts.taskList,
      concurrency,
      // An empty crontab string would make graphile-worker look for a ./crontab file instead.
      ...(opts.crontab ? { crontab: opts.crontab } : { parsedCronItems: [] }),
      noHandleSignals: true,
      // LISTEN/NOTIFY picks a job up at once when it is added; a job due later (a push's trailing
      // probe 2 s on, a search for new mail 3 s on) is found by polling, so the poll is short: its
      // interval is added to those delays. One cheap statement a half second per idle process.
      pollInterval: 500,
      // Jobs fetched in batches, not one statement each: a poll sweep queues a job per mailbox. A
      // job fetched but not yet started is locked meanwhile; a push for its mailbox then queues one
      // more sync, which is harmless. (Batched completion, completeJobBatchDelay, was tried and left
      // off: after a PostgreSQL restart the runner shut itself down — caught by `npm run chaos`.)
      preset: { worker: { localQueue: { size: concurrency } } },
      logger: toWorkerLogger(log),
    });
    await Promise.all(registrations.splice(0));
    // A runner that ends while we did not ask is replaced (its reason is in graphile's own log).
    started.promise.then(
      () => onEnded(started),
      () => onEnded(started),
    );
    return started;
  };

  let stopping = false;
  let restarting: Promise<void> | undefined;
  let current = await start();
  const retired = new Set<Promise<void>>();

  function onEnded(ended: Runner): void {
    if (!stopping && ended === current) void restart('runner stopped on its own');
  }

  function restart(reason: string): Promise<void> {
    if (stopping || restarting) return restarting ?? Promise.resolve();
    log.error({ reason }, 'worker not taking jobs: starting a new runner');
    watch.restarted();
    deps.metrics?.workerRestarted();
    const old = current;
    restarting = (async () => {
      // The old runner lets its running jobs finish and hands back the ones it had queued.
      const retiring = old.stop().catch(() => undefined);
      retired.add(retiring);
      void retiring.finally(() => retired.delete(retiring));
      await lease.held();
      if (!stopping) current = await start();
    })()
      .catch((err: unknown) => log.error({ err }, 'could not start a new runner'))
      .finally(() => {
        restarting = undefined;
      });
    return restarting;
  }

  return {
    runner: () => current,
    health: watch.health,
    stop: async () => {
      stopping = true;
      clearInterval(reaping);
      watch.stop();
      // A restart waiting for the database to come back is not waited for long.
      await Promise.race([restarting, sleep(RETIRE_WAIT_MS)]);
      await current.stop().catch(() => undefined);
      // A stalled runner may never finish stopping: its jobs go back by the lease's reaping.
      await Promise.race([Promise.all(retired), sleep(RETIRE_WAIT_MS)]);
      await lease.release();
    },
  };
}

/** How long stop() waits for runners retired by a restart. */
const RETIRE_WAIT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

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
