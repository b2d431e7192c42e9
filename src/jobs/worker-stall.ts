// Notices a worker that has stopped taking jobs. A chaos run once ended with mail waiting for a
// worker process that was alive and idle: nothing failed, nothing was logged, the queue just sat.
// A worker is stalled when jobs it runs have been runnable (due, unlocked, attempts left) for
// longer than `stallAfterMs`, it has started none in that time, and it has a free slot for one.
// Readiness, a metric and the worker's own recovery (a new runner) all read this one verdict.
import type pg from 'pg';

export interface WorkerHealth {
  stalled: boolean;
  /** Jobs of ours runnable for longer than the stall threshold, at the last check. */
  overdueJobs: number;
  secondsSinceJobStart: number;
  /** Runners started again because the previous one stalled or stopped on its own. */
  restarts: number;
}

export interface StallWatchOptions {
  pool: pg.Pool;
  taskNames: string[];
  concurrency: number;
  stallAfterMs: number;
  checkEveryMs: number;
  /** Called when a stall is found, and again each `stallAfterMs` while it lasts. */
  onStall: () => void;
}

export interface StallWatch {
  jobStarted(): void;
  jobEnded(): void;
  restarted(): void;
  health(): WorkerHealth;
  stop(): void;
}

export function watchForStall(opts: StallWatchOptions): StallWatch {
  let lastStart = Date.now();
  let busy = 0;
  let overdueJobs = 0;
  let stalled = false;
  let restarts = 0;
  let checking = false;
  let lastRecovery = 0;

  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      overdueJobs = await countOverdueJobs(opts.pool, opts.taskNames, opts.stallAfterMs);
      const idleFor = Date.now() - lastStart;
      stalled = overdueJobs > 0 && idleFor >= opts.stallAfterMs && busy < opts.concurrency;
      if (stalled && Date.now() - lastRecovery >= opts.stallAfterMs) {
        lastRecovery = Date.now();
        opts.onStall();
      }
    } catch {
      // The database is unreachable: readiness says so on its own; keep the last verdict.
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), opts.checkEveryMs);
  timer.unref();

  return {
    jobStarted: () => {
      lastStart = Date.now();
      busy += 1;
      stalled = false;
    },
    jobEnded: () => {
      busy = Math.max(0, busy - 1);
    },
    restarted: () => {
      restarts += 1;
    },
    health: () => ({
      stalled,
      overdueJobs,
      secondsSinceJobStart: (Date.now() - lastStart) / 1000,
      restarts,
    }),
    stop: () => clearInterval(timer),
  };
}

/**
 * Jobs in named queues are left out: one may wait on its queue's running job. Reads the private
 * table (the public view joins the queues table, whose locks the job fetch takes).
 */
async function countOverdueJobs(
  pool: pg.Pool,
  taskNames: string[],
  stallAfterMs: number,
): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `select count(*)::int as n from graphile_worker._private_jobs
      where is_available and job_queue_id is null
        and run_at <= now() - make_interval(secs => $2::float8 / 1000)
        and task_id in (select id from graphile_worker._private_tasks where identifier = any($1))`,
    [taskNames, stallAfterMs],
  );
  return rows[0]?.n ?? 0;
}
