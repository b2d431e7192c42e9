// RFC 3464 §2: a `message/delivery-status` body is a group of per-message fields, then one group
// per recipient, groups separated by blank lines, fields folded as in mail headers. What matters
// per recipient: Final-Recipient (else Original-Recipient), Action (failed, delayed, delivered,
// relayed, expanded), Status (RFC 3463 `class.subject.detail`) and Diagnostic-Code.

export interface RecipientStatus {
  recipient: string;
  action: string;
  status: string | null;
  diagnostic: string | null;
}

const MAX_RECIPIENTS = 100;

export function parseDeliveryStatus(text: string): RecipientStatus[] {
  const out: RecipientStatus[] = [];
  for (const group of groups(text)) {
    const address = addressOf(group.get('final-recipient') ?? group.get('original-recipient'));
    if (!address) continue;
    const status = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(group.get('status') ?? '')?.[1] ?? null;
    out.push({
      recipient: address,
      action: (group.get('action') ?? '').trim().toLowerCase().split(/\s/)[0] ?? '',
      status,
      diagnostic: diagnosticOf(group.get('diagnostic-code')),
    });
    if (out.length >= MAX_RECIPIENTS) break;
  }
  return out;
}

function groups(text: string): Map<string, string>[] {
  const result: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let last: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (current.size > 0) result.push(current);
      current = new Map();
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line) && last) {
      current.set(last, `${current.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    if (!current.has(last)) current.set(last, line.slice(colon + 1).trim());
  }
  if (current.size > 0) result.push(current);
  return result;
}

/** `rfc822; user@example.com` (or `rfc822;<user@example.com>`) → `user@example.com`. */
function addressOf(value: string | undefined): string | null {
  if (!value) return null;
  const raw = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const address = raw.trim().replace(/^<|>$/g, '').toLowerCase();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(address) ? address : null;
}

/** `smtp; 550 5.1.1 …` → `550 5.1.1 …`. */
function diagnosticOf(value: string | undefined): string | null {
  if (!value) return null;
  const text = /^[a-z-]+\s*;/i.test(value) ? value.slice(value.indexOf(';') + 1) : value;
  return text.trim() || null;
}
