// Calendar sync tokens and page tokens (https://developers.google.com/workspace/calendar/api/guides/sync).
// A sync token names a point in one calendar's changes; Google invalidates them "for various
// reasons including token expiration or changes in related ACLs", and then answers 410 GONE.
// Google names no lifetime: the simulator takes a week (`calendar.sync_token_ttl_ms`), the shortest
// of Google's own cursors (Gmail keeps history "typically at least a week"), since a client that
// assumed a longer one would lose changes the day it met a shorter. Tokens are signed, so a token
// edited by hand (how people provoke a 410 at Google) is refused the same way.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimCalendar } from './calendar-store.ts';

const SECRET = randomBytes(32);
export const DEFAULT_SYNC_TOKEN_TTL_MS = 7 * 86_400_000;

interface SyncTokenBody {
  /** The calendar it belongs to, its change counter, ACL version and token generation then, when issued. */
  c: string;
  s: number;
  a: number;
  g: number;
  t: number;
}

interface PageTokenBody {
  /** The last item id of the page before, the counter when the listing started, its query. */
  after: string;
  s: number;
  q: string;
}

function sign(body: object): string {
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  const mac = createHmac('sha256', SECRET).update(payload).digest('base64url').slice(0, 22);
  return `${payload}.${mac}`;
}

function verify<T>(token: string): T | undefined {
  const [payload = '', mac = ''] = token.split('.');
  const expected = createHmac('sha256', SECRET).update(payload).digest('base64url').slice(0, 22);
  if (mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected)))
    return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export function issueSyncToken(calendar: SimCalendar, seq: number): string {
  return sign({
    c: calendar.email,
    s: seq,
    a: calendar.aclVersion,
    g: calendar.tokenGeneration,
    t: Date.now(),
  } satisfies SyncTokenBody);
}

/** The change counter a sync token stands for, or undefined when Google would answer 410. */
export function readSyncToken(
  calendar: SimCalendar,
  token: string,
  ttlMs: number,
): number | undefined {
  const body = verify<SyncTokenBody>(token);
  if (!body || body.c !== calendar.email) return undefined;
  if (
    body.a !== calendar.aclVersion ||
    body.g !== calendar.tokenGeneration ||
    body.s > calendar.seq
  )
    return undefined;
  return Date.now() - body.t > ttlMs ? undefined : body.s;
}

export function issuePageToken(after: string, seq: number, query: string): string {
  return sign({ after, s: seq, q: query } satisfies PageTokenBody);
}

export function readPageToken(
  token: string,
  query: string,
): { after: string; seq: number } | undefined {
  const body = verify<PageTokenBody>(token);
  return body && body.q === query ? { after: body.after, seq: body.s } : undefined;
}
