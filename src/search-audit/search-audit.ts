// The audit of what Gmail's search let go: a second judge that does not ask search. Search decides
// which new mail is fetched (search-first/) and, through the reconciliation that asks it the same
// question again, whether the mailbox is complete; a mail search does not find (its sender only in
// Reply-To, a contact only in Bcc, a hole in its index) would be let go and counted complete.
// So each run draws the mail let go since the last run, reads the headers of a random share of it
// (`format=metadata`) and judges each exactly as the sync would (sync/judge-mails.ts: the same
// filters, the same matching). A sampled mail the sync's rules log is a search miss: it is fetched
// in full and logged through the sync's own write path (which judges it once more, so the audit
// never logs what the sync would not), and the look widens to every let-go mail of the window
// not read yet — a shape (sender, list, a header search does not index) is only visible in
// headers, and Gmail reads headers no cheaper than a whole mail, so the window is read and judged,
// at most WIDEN_PER_RUN a run, the rest at the next run a minute later.

import { countUnits } from '../google/counted-pacer.ts';
import { followLetGo } from '../search-first/match-pending.ts';
import type { SyncContext } from '../sync/sync-context.ts';
import { drawSample, sampleSize } from './audit-sample.ts';
import {
  type AuditRun,
  countOwed,
  drawPopulation,
  owedLook,
  oweLook,
  sampledToday,
} from './audit-store.ts';
import { type JudgedLetGo, judgeLetGo } from './judge-let-go.ts';
import { SHAPE_KINDS, type ShapeKind, sharesShape } from './mail-shape.ts';

/** Let-go mails a widening reads in one run: 4,000 units, about 40 s of a mailbox's 2026 quota, while
 * its syncs wait for the lock; the rest a minute later. */
export const WIDEN_PER_RUN = 200;

export interface AuditOptions {
  /** AUDIT_SAMPLE_RATE: the share of the let-go mail each run reads. */
  sampleRate: number;
  /** Let-go mails a widening reads in one run (WIDEN_PER_RUN unless a test asks for fewer). */
  widenPerRun?: number;
}

export interface AuditResult extends AuditRun {
  /** Gmail ids the run logged (search misses), and replies let go in their threads that followed. */
  logged: string[];
  followed: number;
  /** Of the widened misses, those sharing a shape with a sampled miss. */
  sameShape: number;
  shapes: Record<ShapeKind, number>;
  domains: string[];
  lists: string[];
  entities: { entity_type: string; entity_id: string }[];
  /** Let-go mail still owed a look: the job runs again for it. */
  owed: number;
}

export async function auditLetGo(ctx: SyncContext, options: AuditOptions): Promise<AuditResult> {
  const checkedAt = new Date();
  const units = { spent: 0 };
  const counted: SyncContext = { ...ctx, pacer: countUnits(ctx.pacer, units) };
  const mailboxId = ctx.mailbox.id;

  const population = await drawPopulation(ctx.db, mailboxId);
  const size = sampleSize(
    population.length,
    options.sampleRate,
    await sampledToday(ctx.db, mailboxId),
  );
  const sample = drawSample(population, size);
  const sampled = await judgeLetGo(counted, sample);
  if (sampled.missed.length > 0) await oweLook(ctx.db, mailboxId);
  const widened = await judgeLetGo(
    counted,
    await owedLook(ctx.db, mailboxId, options.widenPerRun ?? WIDEN_PER_RUN, sample),
  );
  const threads = [...sampled.missed, ...widened.missed].map((m) => m.threadId);
  const followed = await followLetGo(counted, [...new Set(threads)]);

  const missed = [...sampled.missed, ...widened.missed];
  return {
    checkedAt,
    population: population.length,
    sampled: sampled.judged,
    missed: sampled.missed.length,
    widened: widened.judged,
    widenedMissed: widened.missed.length,
    units: units.spent,
    logged: missed.map((m) => m.id),
    followed,
    sameShape: widened.missed.filter((w) =>
      sampled.missed.some((s) => sharesShape(s.shape, w.shape)),
    ).length,
    ...describe(missed),
    owed: await countOwed(ctx.db, mailboxId),
  };
}

/** What the CRM is told of the misses: counts by shape, domains and lists, the records concerned. */
function describe(missed: JudgedLetGo['missed']) {
  const shapes = Object.fromEntries(SHAPE_KINDS.map((k) => [k, 0])) as Record<ShapeKind, number>;
  const domains = new Set<string>();
  const lists = new Set<string>();
  const entities = new Map<string, { entity_type: string; entity_id: string }>();
  for (const m of missed) {
    for (const kind of m.shape.kinds) shapes[kind] += 1;
    if (m.shape.domain) domains.add(m.shape.domain);
    if (m.shape.list) lists.add(m.shape.list);
    for (const l of m.links) {
      entities.set(`${l.entityType}:${l.entityId}`, {
        entity_type: l.entityType,
        entity_id: l.entityId,
      });
    }
  }
  const first = <T>(items: Iterable<T>) => [...items].slice(0, MAX_LISTED);
  return {
    shapes,
    domains: first(domains),
    lists: first(lists),
    entities: first(entities.values()),
  };
}

/** Bounds the lists an announcement carries. */
const MAX_LISTED = 100;
