// The shared state of one simulator instance: what its parts (Gmail REST, OAuth/OIDC,
// Pub/Sub, KMS, control API) need from one another. Each part receives this object
// and fills in the functions it owns; nothing here imports the service under test.
import type { AccountState } from './account-states.ts';
import type { RemoteRecipients } from './remote-recipients.ts';
import type { ListOrder, SearchLag } from './search-faults.ts';

/** Faults set through `PUT /__sim/faults`; each left out keeps Google's default (most: off). */
export interface Faults {
  latency_ms?: number;
  /** Probability (0..1) that a Gmail API call fails with one of `error_codes`. */
  error_rate?: number;
  error_codes?: number[];
  quota_profile?: '2026' | '2025';
  /** Overrides the per-user refill rate in quota units per second (bucket = one second). */
  quota_units_per_sec?: number;
  /** messages.get answers 404 for this long after a message arrived. */
  new_message_404_ms?: number;
  /** history.list lists a record only this long after it was written (its push may go earlier). */
  history_lag_ms?: number;
  /** messages.list with `q` finds a message only this long after it arrived: a fixed lag, or a
   * distribution each message draws its own lag from (search-faults.ts). */
  search_lag_ms?: SearchLag;
  /** messages.list's order: newest first (the default), or none in particular. */
  list_order?: ListOrder;
  /** The longest `q` Gmail takes (2,048 unless set): Google documents no limit, so a lower one
   * stands for a Gmail that refuses what the service thought would fit (query.ts). */
  max_query_chars?: number;
  /** Messages a user may send in a rolling day (Google's default 2,000). */
  send_daily_limit?: number;
  /** Sends past the limit that are accepted and then bounce, before Gmail refuses (default 0). */
  send_limit_grace?: number;
  /** Per-user accounting: a one-second token bucket (default) or Gmail's per-minute window. */
  quota_window?: 'second' | 'minute';
  /** The "minute" window's length in seconds (default 60): tests shorten it, as they shorten time. */
  quota_window_s?: number;
  /** How a rate refusal looks: one of Gmail's three forms, or a seeded random pick among them. */
  quota_error?: '429' | '403' | 'exhausted' | 'mixed';
  push?: {
    drop?: number;
    duplicate?: number;
    reorder?: number;
    delay_ms?: number;
    /** Pushes stay queued (as while the endpoint is unreachable) until this is cleared. */
    hold?: boolean;
    /** Notifications per watched user per second (Google's default 1; 0 lifts the limit). */
    per_user_per_sec?: number;
  };
  /** Calls of one user in flight at once before Gmail answers 429 "Too many concurrent requests
   * for user" (Google documents no number; 10 is what integrations report staying under). */
  concurrency_per_user?: number;
  /** A rate refusal names a retry time this far ahead, and the user's calls are refused until
   * then (Gmail names minutes to hours after heavy use); 0 or unset: the bucket's own time. */
  quota_retry_after_s?: number;
  /** Probability (0..1) that messages.send stores and sends the mail, then drops the connection
   * before answering: the sender cannot tell whether the mail went. */
  send_drop_after_store?: number;
  /** Poison messages: messages.get of these ids always fails with `fail_message_code` (default 500). */
  fail_message_ids?: string[];
  fail_message_code?: number;
  seed?: number;
  /** The Calendar API's faults (calendar-*.ts); merged field by field like `push`. */
  calendar?: CalendarFaults;
}

export interface CalendarFaults {
  latency_ms?: number;
  /** Probability (0..1) that a Calendar call fails with one of `error_codes` (default 500). */
  error_rate?: number;
  error_codes?: number[];
  /** Probability (0..1) that a channel notification is lost on its way. */
  drop?: number;
  /** Requests a user may make in a sliding minute (Google's 600). */
  quota_per_minute?: number;
  quota_error?: '403' | '403_rate' | '429' | 'mixed';
  /** How long a sync token stays valid (default a week: see calendar-sync-token.ts). */
  sync_token_ttl_ms?: number;
  /** The longest life a channel gets (default a week: see calendar-channels.ts). */
  channel_max_ttl_ms?: number;
}

export interface AccessTokenInfo {
  email: string;
  scopes: string[];
  clientId: string;
  expiresAt: number; // epoch ms
}

/** Calls made (refused ones too), the quota units charged, and the calls refused for quota. */
export interface CallStats {
  calls: Record<string, number>;
  /** Units charged: a call refused for quota costs none, as at Google. */
  units: number;
  rate_limited: number;
  /** The refused calls by method (their sum is `rate_limited`): `calls` less these were served. */
  refused: Record<string, number>;
}

export interface SimStats extends CallStats {
  /** The same counts per mailbox, for the calls whose token named one. */
  users: Record<string, CallStats>;
  pushes: { sent: number; acked: number; dropped: number };
}

/** A mailbox's entry in the stats, made on its first call. */
export function userStats(stats: SimStats, email: string): CallStats {
  const user = stats.users[email] ?? { calls: {}, units: 0, rate_limited: 0, refused: {} };
  stats.users[email] = user;
  return user;
}

export interface SimContext {
  /** Cloud project the simulator pretends to be (`sim` unless started otherwise). */
  project: string;
  /** The project's number, as in its Pub/Sub service agent `service-<number>@gcp-sa-pubsub…`. */
  projectNumber: string;
  clientId: string;
  clientSecret: string;
  /** Service account whose OIDC tokens push requests carry. */
  pushServiceAccount: string;
  /** Base URL of this simulator, e.g. `http://127.0.0.1:8085` (set once listening). */
  baseUrl: string;
  faults: Faults;
  /** Addresses that answer mail sent to them (control API: PUT /__sim/recipients/{address}). */
  recipients: RemoteRecipients;
  /** Seeded random source (reset when faults carry a `seed`). */
  random: () => number;
  stats: SimStats;

  // Owned by the OAuth/OIDC part.
  /** Resolves a bearer access token; undefined when unknown, expired or revoked. */
  lookupAccessToken(token: string): AccessTokenInfo | undefined;
  /** Signs an OIDC ID token as Google does for Pub/Sub push. */
  mintOidcToken(aud: string, email: string, expS?: number): Promise<string>;
  /** Revokes every grant (refresh and access tokens) for a mailbox. */
  revokeGrants(email: string): void;
  /** Ends a mailbox's refresh tokens as Google does for an app in Testing status after 7 days. */
  expireGrants(email: string): void;
  /** Makes every access token of a mailbox expire now. */
  expireAccessTokens(email: string): void;
  /** Issues an access token for `email` as the token endpoint does (no refresh token). */
  issueAccessToken(
    email: string,
    scopes: string[],
    clientId: string,
  ): { token: string; expiresInS: number };

  // Owned by the service-account part (jwt-bearer.ts).
  /** The token endpoint's answer to a JWT bearer grant (a service account, perhaps delegated). */
  exchangeJwtBearer(assertion: string): Promise<{ status: number; body: Record<string, unknown> }>;

  // Owned by the Pub/Sub part.
  /** Publishes JSON data to a topic (`projects/P/topics/T`); false when the topic does not exist. */
  publish(topic: string, data: unknown, attributes?: Record<string, string>): boolean;
  topicExists(topic: string): boolean;
  /** Whether the IAM policy of a topic or subscription grants `role` to `member`. */
  hasRole(resource: string, role: string, member: string): boolean;

  // Owned by the Gmail part.
  /** Creates the mailbox if it does not exist (consent creates mailboxes too). */
  ensureMailbox(email: string): void;
  hasMailbox(email: string): boolean;
  /** The account's state as its admin or Google left it (account-states.ts); `ok` when unknown. */
  accountState(email: string): AccountState;
}
