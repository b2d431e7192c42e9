// The two times of a mail. Gmail's `internalDate` (epoch ms, set by Gmail at receipt; see
// users.messages in the Gmail API reference) is what the activity is dated by: a sender cannot
// set it. The `Date:` header is the sender's claim, kept as information only when it is a real
// calendar date in a sane window: not before 1970 and not more than a day after Gmail received
// the mail. That window also keeps it inside PostgreSQL's timestamptz range (4713 BC–294276 AD),
// which JavaScript's wider one (±275760) is not: `0000-01-01T00:00:00Z` once blocked a mailbox
// (issue 18 item 1).

const DAY_MS = 86_400_000;
/** 9999-12-31T23:59:59.999Z: the last instant every consumer of our dates can store. */
const LAST_MS = 253_402_300_799_999;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function internalDateOf(value: string | null | undefined): Date | null {
  if (!value || !/^\d{1,16}$/.test(value)) return null;
  const ms = Number(value);
  return ms > 0 && ms <= LAST_MS ? new Date(ms) : null;
}

/** The header date when it is a real date between 1970 and `received` + 1 day, else null. */
export function headerDateOf(value: string | null, received: Date | null): Date | null {
  if (!value || value.length > 200) return null;
  const ms = parseMailDate(value.trim());
  if (ms === null || ms < 0) return null;
  const latest = (received ?? new Date()).getTime() + DAY_MS;
  return ms <= latest ? new Date(ms) : null;
}

/** RFC 5322 §3.3 (with its obsolete forms) or ISO 8601; every field range-checked, Feb 30 refused. */
function parseMailDate(text: string): number | null {
  const rfc =
    /^(?:[a-z]{3},?\s*)?(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[a-z]{1,5})?/i.exec(
      text,
    );
  if (rfc) {
    const month = MONTHS.indexOf((rfc[2] ?? '').toLowerCase());
    let year = Number(rfc[3]);
    // RFC 5322 §4.3: two-digit years below 50 are 20xx, three-digit years add 1900.
    if ((rfc[3] ?? '').length === 2) year += year < 50 ? 2000 : 1900;
    else if ((rfc[3] ?? '').length === 3) year += 1900;
    const offset = zoneOffsetMinutes(rfc[7]);
    return build(year, month, rfc[1], rfc[4], rfc[5], rfc[6], offset);
  }
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      text,
    );
  if (iso) {
    const zone = iso[7]?.toUpperCase();
    const offset = !zone || zone === 'Z' ? 0 : zoneOffsetMinutes(zone.replace(':', ''));
    return build(Number(iso[1]), Number(iso[2]) - 1, iso[3], iso[4], iso[5], iso[6], offset);
  }
  return null;
}

const ZONES: Record<string, number> = {
  UT: 0,
  GMT: 0,
  Z: 0,
  UTC: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};

/** Minutes east of UTC; unknown zones count as UTC (RFC 5322 §4.3), absurd offsets refuse the date. */
function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (!zone) return 0;
  const m = /^([+-])(\d{2})(\d{2})$/.exec(zone);
  if (!m) return ZONES[zone.toUpperCase()] ?? 0;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 23 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function build(
  year: number,
  month: number,
  day: string | undefined,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
  offset: number | null,
): number | null {
  const [d, h, mi, s] = [Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0)];
  if (offset === null || month < 0 || month > 11 || year < 1970 || year > 9999) return null;
  if (d < 1 || d > daysIn(year, month) || h > 23 || mi > 59 || s > 60) return null;
  // A leap second (:60) is read as the next second, as readers do.
  return Date.UTC(year, month, d, h, mi, s) - offset * 60_000;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}
