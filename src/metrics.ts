// Prometheus metrics (prom-client), one registry per process. Counters are bumped by one-line
// calls where things happen; gauges about the whole fleet are read from PostgreSQL at scrape time
// (cheap aggregate queries, cached for a few seconds), never with a label per mailbox.
import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkerHealth } from './jobs/worker-stall.ts';

export interface Metrics {
  registry: Registry;
  push(outcome: string): void;
  gmailCall(method: string, status: number): void;
  sync(mode: string, result: string, seconds: number): void;
  activitiesLogged(n: number): void;
  /** Messages given up on, by reason kind (`store_failed`, `parse_failed`, `fetch_failed`). */
  messagesDeadLettered(reason: string, n: number): void;
  tokenRefreshFailed(): void;
  /** Reports a worker's stall verdict at scrape time (worker and all roles). */
  watchWorker(health: () => WorkerHealth): void;
  workerRestarted(): void;
  /** A reconciliation: gaps it found, how many it repaired, the quota units it spent. */
  reconciled(found: number, repaired: number, units: number): void;
  /** Mail that waited for search (search-first/): `found`, `followed` its thread, `let_go`. */
  pendingMail(outcome: 'found' | 'followed' | 'let_go', n: number): void;
  /** The poll's check of a push-healthy mailbox, by outcome (`clean`, `missed_push`, …). */
  pollCheck(outcome: string): void;
}

const LAG_BUCKETS = [1, 5, 30, 60, 300, 900, 3600, 86_400];

export function makeMetrics(pool: pg.Pool): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const pushes = new Counter({
    name: 'gmail_sync_pushes_total',
    help: 'Pub/Sub notifications by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const calls = new Counter({
    name: 'gmail_sync_gmail_calls_total',
    help: 'Gmail API calls by method and HTTP status',
    labelNames: ['method', 'status'],
    registers: [registry],
  });
  const limited = new Counter({
    name: 'gmail_sync_rate_limited_total',
    help: 'Gmail 429 answers',
    registers: [registry],
  });
  const syncs = new Counter({
    name: 'gmail_sync_syncs_total',
    help: 'Mailbox syncs by mode and result',
    labelNames: ['mode', 'result'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gmail_sync_sync_duration_seconds',
    help: 'Mailbox sync duration',
    labelNames: ['mode'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
    registers: [registry],
  });
  const logged = new Counter({
    name: 'gmail_sync_activities_logged_total',
    help: 'Activities logged',
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: 'gmail_sync_messages_dead_lettered_total',
    help: 'Messages dead-lettered (not logged, not retried) by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const refreshFailures = new Counter({
    name: 'gmail_sync_token_refresh_failures_total',
    help: 'Grants found revoked at refresh',
    registers: [registry],
  });
  const gapsFound = new Counter({
    name: 'gmail_sync_gaps_found_total',
    help: 'Mails Gmail search shows concern the CRM that were neither logged nor skipped',
    registers: [registry],
  });
  const gapsRepaired = new Counter({
    name: 'gmail_sync_gaps_repaired_total',
    help: 'Gaps the reconciliation fetched and logged',
    registers: [registry],
  });
  const pendingMail = new Counter({
    name: 'gmail_sync_pending_mail_total',
    help: 'New mail that waited for a search before any fetch, by what became of it',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const reconcileUnits = new Counter({
    name: 'gmail_sync_reconcile_quota_units_total',
    help: 'Gmail quota units spent by reconciliations',
    registers: [registry],
  });
  const pollChecks = new Counter({
    name: 'gmail_sync_poll_checks_total',
    help: 'Poll checks of push-healthy mailboxes by outcome (missed_push: a change no push announced)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  // Counters live in the process that ran the reconciliation; the last results of every mailbox,
  // read from PostgreSQL, are the same in every process.
  new Gauge({
    name: 'gmail_sync_reconcile_last_gaps',
    help: "Sum over mailboxes of their last reconciliation's gaps, by outcome",
    labelNames: ['outcome'],
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ repaired: number; missing: number }>(
        'select coalesce(sum(repaired), 0)::int as repaired, coalesce(sum(missing), 0)::int as missing from mailbox_reconciliations',
      );
      this.set({ outcome: 'repaired' }, rows[0]?.repaired ?? 0);
      this.set({ outcome: 'missing' }, rows[0]?.missing ?? 0);
    },
  });

  let cache: { at: number; fleet: Fleet } | undefined;
  let reading: Promise<Fleet> | undefined;
  // One read at a time, and a failed read keeps the last figures: a scrape must still show the
  // process's own gauges (the worker's stall above all) when the database is in trouble.
  const fleet = async (): Promise<Fleet> => {
    if (cache && Date.now() - cache.at < 10_000) return cache.fleet;
    reading ??= readFleet(pool).finally(() => {
      reading = undefined;
    });
    const value = await reading.catch(() => cache?.fleet ?? EMPTY_FLEET);
    cache = { at: Date.now(), fleet: value };
    return value;
  };
  const lag = new Histogram({
    name: 'gmail_sync_mailbox_lag_seconds',
    help: 'How far behind live mailboxes are',
    buckets: LAG_BUCKETS,
    registers: [registry],
    async collect() {
      this.reset();
      for (const seconds of (await fleet()).lags) this.observe(seconds);
    },
  });
  void lag;
  new Gauge({
    name: 'gmail_sync_queue_depth',
    help: 'Jobs waiting or running',
    registers: [registry],
    async collect() {
      this.set((await fleet()).queueDepth);
    },
  });
  new Gauge({
    name: 'gmail_sync_oldest_job_age_seconds',
    help: 'Age of the oldest runnable job',
    registers: [registry],
    async collect() {
      this.set((await fleet()).oldestJobAge);
    },
  });
  new Gauge({
    name: 'gmail_sync_watches_expiring_24h',
    help: 'Live mailboxes whose watch expires within 24 hours',
    registers: [registry],
    async collect() {
      this.set((await fleet()).expiring);
    },
  });
  new Gauge({
    name: 'gmail_sync_dead_letters',
    help: 'Dead letters by source',
    labelNames: ['source'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [source, n] of Object.entries((await fleet()).deadLetters))
        this.set({ source }, n);
    },
  });
  new Gauge({
    name: 'gmail_sync_mailboxes',
    help: 'Mailboxes by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, n] of Object.entries((await fleet()).byStatus)) this.set({ status }, n);
    },
  });

  let workerHealth: (() => WorkerHealth) | undefined;
  new Gauge({
    name: 'gmail_sync_worker_stalled',
    help: '1 when this worker has runnable jobs waiting and has started none for a while',
    registers: [registry],
    collect() {
      if (workerHealth) this.set(workerHealth().stalled ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gmail_sync_worker_seconds_since_job_start',
    help: 'Seconds since this worker last started a job',
    registers: [registry],
    collect() {
      if (workerHealth) this.set(workerHealth().secondsSinceJobStart);
    },
  });
  const restarts = new Counter({
    name: 'gmail_sync_worker_restarts_total',
    help: 'Job runners started again after stalling or stopping on their own',
    registers: [registry],
  });

  return {
    registry,
    watchWorker: (health) => {
      workerHealth = health;
    },
    workerRestarted: () => restarts.inc(),
    push: (outcome) => pushes.inc({ outcome }),
    gmailCall: (method, status) => {
      calls.inc({ method, status: String(status) });
      if (status === 429) limited.inc();
    },
    sync: (mode, result, seconds) => {
      syncs.inc({ mode, result });
      duration.observe({ mode }, seconds);
    },
    activitiesLogged: (n) => logged.inc(n),
    messagesDeadLettered: (reason, n) => deadLettered.inc({ reason }, n),
    tokenRefreshFailed: () => refreshFailures.inc(),
    reconciled: (found, repaired, units) => {
      gapsFound.inc(found);
      gapsRepaired.inc(repaired);
      reconcileUnits.inc(units);
    },
    pendingMail: (outcome, n) => pendingMail.inc({ outcome }, n),
    pollCheck: (outcome) => pollChecks.inc({ outcome }),
  };
}

interface Fleet {
  lags: number[];
  queueDepth: number;
  oldestJobAge: number;
  expiring: number;
  deadLetters: Record<string, number>;
  byStatus: Record<string, number>;
}

const EMPTY_FLEET: Fleet = {
  lags: [],
  queueDepth: 0,
  oldestJobAge: 0,
  expiring: 0,
  deadLetters: {},
  byStatus: {},
};

// The jobs are read from graphile-worker's table, not its public view, which joins the queues
// table whose rows the job fetch locks.
async function readFleet(pool: pg.Pool): Promise<Fleet> {
  const [mailboxes, jobs, dead] = await Promise.all([
    pool.query<{ status: string; lag: number | null; expiring: boolean }>(`
      select status,
             case when last_sync_at is null then extract(epoch from now() - connected_at)
                  when last_push_at > last_sync_at then extract(epoch from now() - last_push_at)
                  else 0 end::float8 as lag,
             coalesce(watch_expires_at < now() + interval '24 hours', true) as expiring
        from mailboxes where status <> 'disconnected'`),
    pool.query<{ n: number; age: number | null }>(`
      select count(*)::int as n, extract(epoch from now() - min(run_at))::float8 as age
        from graphile_worker._private_jobs where attempts < max_attempts and run_at <= now()`),
    pool.query<{ source: string; n: number }>(
      'select source, count(*)::int as n from dead_letters group by source',
    ),
  ]);
  const byStatus: Record<string, number> = {};
  for (const m of mailboxes.rows) byStatus[m.status] = (byStatus[m.status] ?? 0) + 1;
  return {
    lags: mailboxes.rows.filter((m) => m.status !== 'revoked').map((m) => Math.max(0, m.lag ?? 0)),
    queueDepth: jobs.rows[0]?.n ?? 0,
    oldestJobAge: Math.max(0, jobs.rows[0]?.age ?? 0),
    expiring: mailboxes.rows.filter((m) => m.status !== 'revoked' && m.expiring).length,
    deadLetters: Object.fromEntries(dead.rows.map((r) => [r.source, r.n])),
    byStatus,
  };
}
