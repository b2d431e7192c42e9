// What a chaos scenario is and what its run yields: the mail it expected logged, what was logged,
// lost, duplicated, and logged though it concerns no one, counted in the world's database.
import type { World } from '../world.ts';

export interface Outcome {
  scenario: string;
  expected: number;
  logged: number;
  lost: number;
  duplicated: number;
  /** Mail that concerns no one in the CRM and was logged all the same (where counted). */
  falsePositives?: number;
  /** Mailboxes not `active`, or whose cursor is short of their last mail (counted where asked). */
  blocked?: number;
  /** The reconciliation the CRM asked for after the run, summed over the mailboxes. */
  reconciliation?: ReconcileFigures;
  /** Expected mail still not logged once the reconciliation has repaired what it found. */
  lostAfterReconciliation?: number;
  /** Figures particular to the scenario (e.g. mail waiting for search when a worker was killed). */
  notes?: Record<string, unknown>;
  /** Promises the scenario checked beyond the mail and broke (e.g. /healthz slower than 2 s). */
  violations?: string[];
  /** Calls Gmail refused for quota during the scenario. */
  refusals: number;
  /** Gmail calls by method (printed with CHAOS_VERBOSE). */
  calls: Record<string, number>;
  seconds: number;
}

/** As `completeness` in `GET /integrations/gmail/status`. */
export interface ReconcileFigures {
  expected: number;
  logged: number;
  skipped: number;
  repaired: number;
  missing: number;
}

/** What a scenario declares beyond the mail `send` delivers (which is all expected). */
export interface Tally {
  /** Mail that must be logged once. */
  expect(ids: string[]): void;
  /** Mail that concerns no one: logging it is a false positive. */
  unwanted(ids: string[]): void;
  note(key: string, value: unknown): void;
  /** A promise the scenario checks beyond the mail, broken. */
  violation(what: string): void;
}

export interface Scenario {
  name: string;
  mails: number;
  /**
   * Runs of the scenario: faults whose timing varies from run to run are repeated until a rate of
   * zero means something (a run of the 16-of-390 kind was one in six). `--repeat N` overrides.
   */
  repeat?: number;
  run(world: World, send: (n: number) => Promise<string[]>, tally: Tally): Promise<unknown>;
  countBlocked?: boolean;
  /**
   * MATCH_SETTLE_MS for the world's processes. The end of the run then also waits for every mail
   * pending search to be logged or let go (up to twice this), and each mailbox is reconciled.
   */
  settleMs?: number;
}

export interface Counts {
  logged: number;
  lost: number;
  duplicated: number;
  falsePositives: number;
}

/** Counts in the org's activities: each expected id once, no Message-ID twice in a mailbox. */
export async function countLogged(
  world: World,
  org: string,
  expected: string[],
  unwanted: string[],
): Promise<Counts> {
  const { rows } = await world.pool.query<{ logged: number; total: number; unwanted: number }>(
    `select count(distinct gmail_message_id) filter (where gmail_message_id = any($1))::int as logged,
            count(*) filter (where gmail_message_id = any($1))::int as total,
            count(*) filter (where gmail_message_id = any($2))::int as unwanted
       from activities`,
    [expected, unwanted],
  );
  // Mail twice under two Gmail ids shares its Message-ID; a meeting twice, its title and start.
  const dupByHeader = await world.pool.query<{ n: number }>(
    `select coalesce(sum(c - 1), 0)::int as n from (
       select count(*) as c from activities where org_id = $1
        group by mailbox_id, type,
                 case type when 'meeting' then content->'meeting'->>'title' || created_at::text
                           else content->>'message_id_header' end) t`,
    [org],
  );
  const logged = rows[0]?.logged ?? 0;
  return {
    logged,
    lost: expected.length - logged,
    duplicated: (rows[0]?.total ?? 0) - logged + (dupByHeader.rows[0]?.n ?? 0),
    falsePositives: rows[0]?.unwanted ?? 0,
  };
}

/** Mailboxes a sync could not carry past their last mail, or that are not `active`. */
export async function blockedMailboxes(world: World, mailboxes: string[]): Promise<number> {
  const { rows } = await world.pool.query<{ email: string; status: string; history_id: string }>(
    'select email, status, history_id from mailboxes where email = any($1)',
    [mailboxes],
  );
  return rows.filter((r) => {
    const last = world.sim.store.get(r.email)?.history.at(-1)?.id ?? 0;
    return r.status !== 'active' || Number(r.history_id) < last;
  }).length;
}

/** Mail lost, duplicated or logged though it concerns no one; a mailbox blocked; a gap unrepaired. */
export function failed(o: Outcome): boolean {
  return (
    o.lost > 0 ||
    o.duplicated > 0 ||
    (o.falsePositives ?? 0) > 0 ||
    (o.blocked ?? 0) > 0 ||
    (o.reconciliation?.missing ?? 0) > 0 ||
    (o.violations?.length ?? 0) > 0
  );
}

export function print(o: Outcome): void {
  const extra = [
    o.blocked === undefined ? '' : `  blocked ${o.blocked}`,
    o.falsePositives === undefined ? '' : `  false positives ${o.falsePositives}`,
    o.violations?.length ? `  VIOLATED: ${o.violations.join('; ')}` : '',
    o.reconciliation
      ? `  reconciled: expected ${o.reconciliation.expected} repaired ${o.reconciliation.repaired} missing ${o.reconciliation.missing}, lost after it ${o.lostAfterReconciliation}`
      : '',
  ].join('');
  const verbose = process.env.CHAOS_VERBOSE
    ? ` ${JSON.stringify({ calls: o.calls, notes: o.notes })}`
    : '';
  process.stdout.write(
    `${o.scenario.padEnd(40)} expected ${String(o.expected).padStart(3)}  logged ${String(o.logged).padStart(3)}  lost ${o.lost}  duplicated ${o.duplicated}${extra}  refusals ${o.refusals}  (${o.seconds} s)${verbose}\n`,
  );
}
