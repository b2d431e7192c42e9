// The admin page's HTML: server-rendered, no scripts, an inline SVG chart; everything escaped.
import { type AdminView, calendarStateText } from '../activities/admin-view.ts';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * The last hour as bars that span the section's width: the SVG scales to its box horizontally
 * (preserveAspectRatio none) and keeps its height; the label is HTML so it is not stretched.
 */
function chart(perMinute: AdminView['perMinute']): string {
  const width = 600;
  const height = 160;
  const max = Math.max(1, ...perMinute.map((p) => p.count));
  const bar = width / Math.max(1, perMinute.length);
  const bars = perMinute
    .map((p, i) => {
      const h = Math.round((p.count / max) * (height - 10));
      return `<rect class="bar" x="${(i * bar + 0.5).toFixed(2)}" y="${height - h}" width="${(bar - 1).toFixed(2)}" height="${h}"><title>${p.minute.toISOString().slice(11, 16)} UTC: ${p.count}</title></rect>`;
    })
    .join('');
  return `<p class="axis">max ${max}/min</p><svg class="chart" role="img" aria-label="activities logged per minute" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" width="100%" height="${height}">${bars}<line x1="0" y1="${height}" x2="${width}" y2="${height}" stroke="#9aa3b2" vector-effect="non-scaling-stroke"/></svg>`;
}

type MailboxView = AdminView['mailboxes'][number];

/** The last reconciliation: the share of what Gmail's search expects that the CRM holds. */
function completeCell(c: MailboxView['completeness']): string {
  if (!c) return 'not checked yet';
  const held = c.expected - c.missing;
  const pct = c.expected > 0 ? Math.floor((100 * held) / c.expected) : 100;
  const at = c.checkedAt.toISOString().slice(0, 16).replace('T', ' ');
  return `<span title="checked ${esc(at)} UTC">${pct}% (${held}/${c.expected})</span>`;
}

/** How the poll watches over the mailbox: trusting its pushes (an hourly check), or syncing it
 * every poll (no push yet, in error, or a push found missed, shown with its time). */
function pushCell(p: MailboxView['push']): string {
  const at = (d: Date) => esc(d.toISOString().slice(0, 16).replace('T', ' '));
  if (p.healthy) {
    return `<span title="last checked ${p.checkedAt ? `${at(p.checkedAt)} UTC` : 'not yet'}">trusted</span>`;
  }
  return p.missedPushAt ? `missed ${at(p.missedPushAt)}` : 'not yet trusted';
}

/** The long task under way, as a bar with its ETA; a dash when idle. */
function progressCell(p: MailboxView['progress']): string {
  if (!p) return '—';
  const eta = p.etaSeconds === null ? '' : `, about ${p.etaSeconds}s left`;
  return `<progress class="task" max="${Math.max(1, p.total)}" value="${p.done}">${p.done}/${p.total}</progress> ${esc(p.phase)} ${p.done}/${p.total}${eta}`;
}

/** How the mailbox was connected, and whose it is: its CRM user's, or the org's (Workspace). */
function ownerCell(m: MailboxView): string {
  const owner = m.connectedVia === 'workspace' ? 'the org' : esc(m.userId);
  const via = m.connectedVia === 'workspace' ? 'Workspace (delegation)' : 'user (OAuth)';
  const shared =
    m.members.length > 0
      ? `<br><span class="via">shared with ${esc(m.members.join(', '))}</span>`
      : '';
  return `${owner}<br><span class="via">${via}</span>${shared}`;
}

export function renderAdminPage(orgId: string, view: AdminView): string {
  const rows = view.mailboxes
    .map(
      (m) =>
        `<tr class="status-${esc(m.status)}"><td>${esc(m.email)}</td><td>${ownerCell(m)}</td><td><span class="pill">${esc(m.status)}</span></td><td>${m.lagSeconds}s</td><td>${m.watchExpiresAt ? esc(m.watchExpiresAt.toISOString().slice(0, 16).replace('T', ' ')) : '—'}<br><span class="pushes">${pushCell(m.push)}</span></td><td>${esc(m.lastError ?? '')}</td><td class="kept">${esc(m.visibility)}${m.canSend ? '' : ', read-only'}</td><td>${completeCell(m.completeness)}</td><td>${progressCell(m.progress)}</td><td>${esc(calendarStateText(m.calendar))}</td></tr>`,
    )
    .join('');
  const total = view.perMinute.reduce((n, p) => n + p.count, 0);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gmail-sync admin — ${esc(orgId)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:16px 28px}h1{margin:0;font-size:20px}main{padding:20px 28px}
section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:16px;margin-bottom:18px}
h2{font-size:15px;margin:0 0 10px}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #eef0f3}
th{font-size:12px;text-transform:uppercase;color:#5a6275}.pill{padding:2px 8px;border-radius:10px;background:#e3f1e8;color:#1f7a45;font-size:12px}
.status-error .pill,.status-revoked .pill{background:#fbe5e5;color:#a12c2c}.status-syncing .pill{background:#e6effb;color:#2457a8}
.pushes,.via{font-size:12px;color:#5a6275}.bar{fill:#2f7bd8}.axis{font-size:11px;color:#5a6275;margin:0 0 4px}.chart{display:block}
</style></head><body><header><h1>gmail-sync — ${esc(orgId)}</h1></header><main>
<section><h2>Activities logged per minute, last hour (${total} in all)</h2>${chart(view.perMinute)}</section>
<section><h2>Mailboxes (${view.mailboxes.length})</h2><table><thead><tr><th>Address</th><th>Owner, connected by</th><th>Status</th><th>Lag</th><th>Watch expires (UTC), pushes</th><th>Last error</th><th>Kept</th><th>Complete</th><th>Progress</th><th>Calendar (UTC)</th></tr></thead><tbody>${rows || '<tr><td colspan="10">No mailbox connected.</td></tr>'}</tbody></table></section>
</main></body></html>`;
}
