// The salesperson's day in results.json (the keys issues 14 and 15 name) and in the printed table.
import type { DayResult } from './scenarios/mailbox-day.ts';

/** Units a mailbox-day may cost (issue 14): about half of what fetching every new mail costs. */
const TARGET_UNITS = 1_800;
const fmt = (n: number) => n.toLocaleString('en-US');

export function dayResults(d: DayResult) {
  const r = d.reconciliation;
  return {
    units_per_mailbox_day: d.units,
    units_per_mailbox_day_baseline: d.baseline.units,
    units_per_mailbox_day_baseline_first_page_only: d.baseline.unitsFirstPageOnly,
    units_per_mailbox_day_by_source: d.unitsBySource,
    units_per_mailbox_day_by_method: d.unitsByMethod,
    gets_per_logged_mail: d.getsPerLoggedMail,
    gets_per_logged_mail_baseline: d.baseline.getsPerLoggedMail,
    retro_search_units: d.unitsBySource.retro_search,
    reimport_units: d.unitsBySource.reimport,
    day_send_units: d.sendUnits,
    day_calendar_calls: d.calendarCalls,
    day_pushes: d.pushes,
    day_quota_refusals: Object.values(d.dayRefused).reduce((a, b) => a + b, 0),
    day_lost: d.final.lost,
    day_duplicated: d.final.duplicated,
    day_reconciliation: r && {
      expected: r.expected,
      logged: r.logged,
      skipped: r.skipped,
      repaired: r.repaired,
      missing: r.missing,
    },
    day_audit: d.audit,
    audit_units: d.unitsBySource.audit,
    day_latency_p50_ms_logged_thread: d.latency.thread.p50,
    day_latency_p50_ms_first_mail: d.latency.first.p50,
    day_date: d.date,
  };
}

export function dayRows(d: DayResult): [string, string, string, string][] {
  const o = d.options;
  const s = d.unitsBySource;
  const r = d.reconciliation;
  const labels = o.important + o.userLabels + o.reads;
  return [
    [
      `a salesperson's day, 2026 quota: ${o.mails} mails (${o.crmMails} with CRM people), ${labels} label changes, ${o.sends} sends; 100 ms/call`,
      `${fmt(d.units)} units/mailbox-day`,
      `seed's design ${fmt(d.baseline.units)} (${Math.round(d.baseline.units / Math.max(1, d.units))}×)${d.baseline.modelHolds ? '' : ' [its per-pull model did not hold]'}`,
      `≤ ${fmt(TARGET_UNITS)} ${d.units <= TARGET_UNITS ? '✔' : '✘'}`,
    ],
    [
      '  by source',
      `pushes ${s.pushes_history}, fetches ${s.fetches}, searches ${s.searches}, other ${s.other_day_calls}`,
      `polls ${s.polls}, watch ${s.watch}, reconciliation ${s.reconciliation}, audit ${s.audit}, retro search ${s.retro_search}, re-import ${s.reimport}`,
      '',
    ],
    [
      '  pushes (Gmail sends at most one a second)',
      `${d.pushes.sent} sent, ${d.pushes.dropped} dropped for ${d.events} events`,
      `${d.events} events ${o.spacingMs} ms apart (${d.wallSeconds} s for a ${o.workdayHours}-hour day)`,
      '',
    ],
    [
      '  messages.get per logged mail',
      `${d.getsPerLoggedMail}`,
      `seed's design ${d.baseline.getsPerLoggedMail}; beside the total: sends ${d.sendUnits} units, Calendar API ${d.calendarCalls} calls`,
      '',
    ],
    [
      '  CRM mail logged once (after retro search and re-import)',
      `${d.final.logged} of ${d.final.expected}: ${d.final.lost} lost, ${d.final.duplicated} duplicated`,
      [
        r
          ? `reconciliation: ${r.expected} expected, ${r.logged} logged, ${r.skipped} skipped, ${r.repaired} repaired, ${r.missing} missing`
          : 'no reconciliation result',
        d.audit
          ? `audit: ${d.audit.sampled} of ${d.audit.population} let go read, ${d.audit.missed} missed`
          : 'no audit',
      ].join('; '),
      `0 lost ${d.final.lost === 0 ? '✔' : '✘'}`,
    ],
    [
      '  delivery → activity, mail in a thread already logged',
      `p50 ${d.latency.thread.p50} ms, p90 ${d.latency.thread.p90} ms (${d.latency.thread.samples} mails)`,
      `first mail of a conversation: p50 ${d.latency.first.p50} ms, p90 ${d.latency.first.p90} ms (${d.latency.first.samples})`,
      `p50 ≤ 300 ${d.latency.thread.p50 <= 300 ? '✔' : '✘'}`,
    ],
  ];
}
