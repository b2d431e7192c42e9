// The end of every chaos run: the fallback poll the cron would run, the wait for the service to
// finish (with search before fetch, for the mail pending search too), the count, and where the
// scenario asks for it the reconciliation the CRM would ask for.
import path from 'node:path';
import { quiesce, type World } from '../world.ts';
import { reconcileAll } from './reconcile-check.ts';
import { type AuditFigures, countLogged, type Outcome } from './scenario.ts';

export async function endOfRun(
  world: World,
  run: { org: string; users: string[]; expected: string[]; unwanted: string[]; settleMs?: number },
): Promise<
  Pick<
    Outcome,
    | 'expected'
    | 'logged'
    | 'lost'
    | 'duplicated'
    | 'falsePositives'
    | 'reconciliation'
    | 'lostAfterReconciliation'
  >
> {
  const { settleMs } = run;
  // The safety net, as the 15-minute cron would run it.
  await runPoll(world);
  // The expected mail waiting for search is found within seconds (Gmail's search delay); where the
  // scenario sets MATCH_SETTLE_MS, every pending mail is decided, by twice that at the latest.
  await quiesce(
    world.pool,
    settleMs === undefined ? undefined : 2 * settleMs + 60_000,
    'sync',
    settleMs === undefined ? run.expected : 'all',
  );
  const counts = await countLogged(world, run.org, run.expected, run.unwanted);
  let reconciliation: Outcome['reconciliation'];
  let lostAfterReconciliation: number | undefined;
  if (settleMs !== undefined) {
    // Counted before it, so mail only the reconciliation logged counts as lost; duplicates after.
    reconciliation = await reconcileAll(world, run.org, run.users);
    const after = await countLogged(world, run.org, run.expected, run.unwanted);
    counts.duplicated = after.duplicated;
    lostAfterReconciliation = after.lost;
  }
  return {
    expected: run.expected.length,
    logged: counts.logged,
    lost: counts.lost,
    duplicated: counts.duplicated,
    ...(run.unwanted.length > 0 ? { falsePositives: counts.falsePositives } : {}),
    ...(reconciliation ? { reconciliation, lostAfterReconciliation } : {}),
  };
}

async function runPoll(world: World): Promise<void> {
  const { spawn } = await import('node:child_process');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['src/cli.ts', 'poll'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', ...world.env, DATABASE_URL: world.databaseUrl },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + String(chunk)).slice(-2000);
    });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`poll exited ${code}: ${stderr}`)),
    );
  });
}

/** Expected mail not logged at the end of the run, by the cause the scenario named. */
export async function lostByCause(
  world: World,
  causes: Record<string, string[]>,
): Promise<Record<string, number>> {
  const lost: Record<string, number> = {};
  for (const [cause, ids] of Object.entries(causes)) {
    const { rows } = await world.pool.query<{ n: number }>(
      'select count(distinct gmail_message_id)::int as n from activities where gmail_message_id = any($1)',
      [ids],
    );
    lost[cause] = ids.length - (rows[0]?.n ?? 0);
  }
  return lost;
}

/** What the audits of the mail search let go read, found and cost in the run (search_audits). */
export async function auditFigures(world: World): Promise<AuditFigures> {
  const { rows } = await world.pool.query<AuditFigures>(
    `select count(*)::int as runs, coalesce(sum(population), 0)::int as population,
            coalesce(sum(sampled), 0)::int as sampled, coalesce(sum(missed), 0)::int as missed,
            coalesce(sum(widened), 0)::int as widened,
            coalesce(sum(widened_missed), 0)::int as "widenedMissed",
            coalesce(sum(units), 0)::int as units
       from search_audits`,
  );
  return rows[0] as AuditFigures;
}
