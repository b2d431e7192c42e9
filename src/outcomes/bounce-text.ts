// Reports without a machine-readable part, read from their text as people do: qmail ("Hi. This is
// the qmail-send program … <addr>: reason"), Yahoo's "Sorry, we were unable to deliver your
// message", Exim ("This message was created automatically by mail delivery software … The
// following address(es) failed"), Sendmail's "permanent fatal errors", Exchange's "Delivery has
// failed to these recipients or groups … Remote Server returned '550 …'", and Gmail's older plain
// "Delivery to the following recipient failed permanently". Only the notice is read: the copy of
// the original that follows it (its body is the user's mail) is cut off first.

export interface TextFinding {
  recipient: string;
  /** The server's words about this recipient, one line, bounded. */
  diagnostic: string | null;
  status: string | null;
}

/** The notice is this long at most; the rest is the returned mail or noise. */
const NOTICE_CHARS = 8 * 1024;
const DIAGNOSTIC_CHARS = 300;
const MAX_RECIPIENTS = 100;

/** Where notices start quoting the original (the returned mail's headers and body). */
const COPY_MARKERS = [
  /^-+ ?This is a copy of (the|your) message/im,
  /^-+ ?Below this line is a copy of the message/im,
  /^-+ ?Original message -+/im,
  /^Original message headers:/im,
  /^-+ ?(The )?original message (was received|follows)/im,
  /^-+ ?Returned mail follows/im,
  /^-+ ?Unsent message below/im,
  /^Content-Type: message\/rfc822/im,
];

/** Says a line is a server's reason: an SMTP reply, an RFC 3463 status, or known words. */
const REASON =
  /\b[45]\d\d\b|\b[245]\.\d{1,3}\.\d{1,3}\b|unknown|unrouteable|no such|no mailbox|not found|does ?n[o']t exist|doesn't have|rejected|unavailable|quota|full|disabled|invalid|refused|denied|failed|timed? ?out|expired|blocked/i;
/** A line that is only an address: `<a@b>:`, `a@b`, `a@b<mailto:a@b>`, `a@b (reason…)` excluded. */
const STANDALONE =
  /^<?([a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)>?:?(?:<mailto:[^>]*>)?$/i;
const ADDRESS = /<?([a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)>?/gi;

export function noticeOf(text: string): string {
  let end = Math.min(text.length, NOTICE_CHARS);
  for (const marker of COPY_MARKERS) {
    const at = text.slice(0, end).search(marker);
    if (at >= 0) end = at;
  }
  return text.slice(0, end);
}

/**
 * The recipients a notice names, each with the reason given next to it. `exclude` holds the
 * addresses that are not recipients (the report's own From and To: the sender and the daemon).
 */
export function readNoticeText(text: string, exclude: Set<string>): TextFinding[] {
  const lines = noticeOf(text).split(/\r?\n/);
  // Notices list the failed recipients on lines of their own ("<a@b>:", "  a@b", Exchange's
  // "a@b<mailto:a@b>"); other addresses in a notice are in reasons. When there are such lines,
  // only they name recipients.
  const standalone = lines.map((l) => STANDALONE.exec(l.trim())?.[1]?.toLowerCase() ?? null);
  const listed = standalone.some((a) => a !== null && !exclude.has(a) && !isDaemon(a));
  const found = new Map<string, TextFinding>();
  for (const [i, line] of lines.entries()) {
    const candidates = listed
      ? [standalone[i]].filter((a): a is string => a !== null && a !== undefined)
      : [...line.matchAll(ADDRESS)].map((m) => (m[1] ?? '').toLowerCase().replace(/\.$/, ''));
    for (const address of candidates) {
      if (exclude.has(address) || isDaemon(address)) continue;
      // A notice may name a recipient twice (Exchange: once for people, once "for administrators"
      // with the server's reply): the mention with a status or SMTP code gives the reason.
      const reason = reasonNear(lines, i);
      const known = found.get(address);
      if (known && (known.status || !reason.status)) continue;
      found.set(address, { recipient: address, ...reason });
      if (found.size >= MAX_RECIPIENTS) return [...found.values()];
    }
  }
  return [...found.values()];
}

function isDaemon(address: string): boolean {
  return /^(mailer-daemon|postmaster|no-?reply)@/i.test(address);
}

/** The reason given on the address's line or the few lines after it, up to a blank gap. */
function reasonNear(
  lines: string[],
  at: number,
): { diagnostic: string | null; status: string | null } {
  const window: string[] = [];
  let blanks = 0;
  for (let i = at; i < Math.min(lines.length, at + 12); i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') {
      if (window.length > 1 && ++blanks >= 2) break;
      continue;
    }
    window.push(line);
  }
  const reasons = window.filter((l) => REASON.test(l));
  // The most specific line: one carrying an SMTP code or status wins over words alone.
  const best =
    reasons.find((l) => /\b[45]\d\d\b|\b[245]\.\d{1,3}\.\d{1,3}\b/.test(l)) ?? reasons[0] ?? null;
  const diagnostic = best
    ? best
        .replace(/^Remote Server returned\s*/i, '')
        .replace(/^['"]|['"]$/g, '')
        .slice(0, DIAGNOSTIC_CHARS)
    : null;
  const status = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(reasons.join(' '))?.[1] ?? null;
  return { diagnostic, status };
}
