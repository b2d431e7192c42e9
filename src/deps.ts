// What main.ts builds once and hands down: factories take this (or a part of it) explicitly.
import type { OAuth2Client } from 'google-auth-library';
import type { CalendarPacerRegistry } from './calendar/calendar-pacer.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Delegation } from './google/delegated-tokens.ts';
import type { PacerRegistry } from './google/mailbox-pacer.ts';
import type { Logger } from './logger.ts';
import type { MailboxAuth } from './mailbox/mailbox-auth.ts';
import type { Metrics } from './metrics.ts';
import type { ErasureHashing } from './org/erasure-keys.ts';
import type { OrgRulesSource } from './org/org-rules.ts';
import type { OutboundHttp } from './outbound/outbound-http.ts';
import type { UnsubscribeKeys } from './suppressions/unsubscribe-key.ts';
import type { Vault } from './vault/vault.ts';

export interface Deps {
  config: Config;
  log: Logger;
  database: Database;
  vault: Vault;
  /** Our OAuth client (consent URLs); mailboxes get their own through mailboxAuth. */
  oauth: OAuth2Client;
  mailboxAuth: MailboxAuth;
  /** Domain-wide delegation (GOOGLE_DELEGATION_SERVICE_ACCOUNT); undefined when not configured. */
  delegation: Delegation | undefined;
  /** Per-mailbox quota pacing; per process, as Gmail's per-user limit is shared by our processes. */
  pacers: PacerRegistry;
  /** The same for the Calendar API, whose quota is separate (src/calendar/). */
  calendarPacers: CalendarPacerRegistry;
  metrics: Metrics;
  /** Each org's key for erased addresses' hashes. */
  erasureHashing: ErasureHashing;
  /** What no mailbox of an org may log: never_log, max_visibility, erased people. */
  orgRules: OrgRulesSource;
  /** HTTP the service starts itself (webhook, JWKS): addresses checked and pinned, no redirects. */
  outbound: OutboundHttp;
  /** The keys of one-click unsubscribe links, loaded (or made) once per process. */
  unsubscribeKeys: () => Promise<UnsubscribeKeys>;
}
