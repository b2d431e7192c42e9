// The audit's metrics (search-audit/): what became of each let-go mail it read, and the quota units
// it spent. Apart from metrics.ts so that file stays one screen of registry set-up per concern.
import { Counter, type Registry } from 'prom-client';

/** A let-go mail the audit read: sampled or read because a miss widened the look, and whether the
 * sync's rules log it (a search miss, logged now) or search was right to let it go. */
export type AuditOutcome = 'clean' | 'missed' | 'widened_clean' | 'widened_missed';

export interface AuditMetrics {
  audited(counts: Record<AuditOutcome, number>, units: number): void;
}

export function makeAuditMetrics(registry: Registry): AuditMetrics {
  const mails = new Counter({
    name: 'gmail_sync_audit_total',
    help: 'Let-go mail the audit read, by outcome (missed: search let go mail the CRM wants)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const units = new Counter({
    name: 'gmail_sync_audit_quota_units_total',
    help: 'Gmail quota units spent by audits of the mail search let go',
    registers: [registry],
  });
  return {
    audited: (counts, spent) => {
      for (const [outcome, n] of Object.entries(counts)) if (n > 0) mails.inc({ outcome }, n);
      units.inc(spent);
    },
  };
}
