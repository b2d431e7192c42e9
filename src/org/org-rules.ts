// What an org forbids every one of its mailboxes to log, read once per batch of mail: its
// `never_log` list (as each mailbox's `blocked_*`, on every mailbox of the org), its
// `max_visibility`, and the people erased from it (only their keyed hashes are kept).
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { MailboxSettings, OrgSettings, Visibility } from '../db/schema.ts';
import type { ErasureHashing } from './erasure-keys.ts';

export interface OrgRules {
  neverLog: { domains: string[]; addresses: string[] };
  maxVisibility: Visibility;
  /** Whether any of these addresses belongs to a person erased from the org. */
  anyErased(addresses: readonly string[]): boolean;
}

export interface OrgRulesSource {
  forOrg(orgId: string): Promise<OrgRules>;
}

export function makeOrgRulesSource(deps: { db: Db; hashing: ErasureHashing }): OrgRulesSource {
  return {
    async forOrg(orgId) {
      const { rows } = await deps.db.execute<{
        settings: Partial<OrgSettings> | null;
        hashes: string[];
      }>(sql`
        select (select settings from org_settings where org_id = ${orgId}) as settings,
               array(select email_hash from erasures where org_id = ${orgId}) as hashes`);
      const settings = rows[0]?.settings ?? {};
      const hashes = new Set(rows[0]?.hashes ?? []);
      // The key is opened only for an org that erased someone.
      const hash = hashes.size > 0 ? await deps.hashing.hasherFor(orgId) : undefined;
      return {
        neverLog: settings.never_log ?? { domains: [], addresses: [] },
        maxVisibility: settings.max_visibility ?? 'full',
        anyErased: (addresses) => !!hash && addresses.some((a) => hashes.has(hash(a))),
      };
    },
  };
}

/** Whether the org forbids logging mail with these people: one erased, or on its never_log list. */
export function forbidsAny(rules: OrgRules, addresses: readonly string[]): boolean {
  const { domains, addresses: listed } = rules.neverLog;
  const lower = addresses.map((a) => a.toLowerCase());
  return (
    rules.anyErased(lower) ||
    lower.some((a) => listed.includes(a) || domains.includes(a.slice(a.lastIndexOf('@') + 1)))
  );
}

/** The mailbox's own blocklist with the org's `never_log` added: what the mail filter applies. */
export function withNeverLog(
  settings: MailboxSettings,
  rules: Pick<OrgRules, 'neverLog'>,
): MailboxSettings {
  const { domains, addresses } = rules.neverLog;
  if (domains.length + addresses.length === 0) return settings;
  return {
    ...settings,
    blocked_domains: [...new Set([...settings.blocked_domains, ...domains])],
    blocked_addresses: [...new Set([...settings.blocked_addresses, ...addresses])],
  };
}
