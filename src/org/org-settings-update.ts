// PUT /org/settings as a use case: the org's settings merged, and a `never_log` change applied to
// every live mailbox of the org exactly as a change to its own `blocked_*` is (sync/
// blocklist-lookback.ts): what the list now covers is removed from each mailbox, what it no longer
// covers (and the mailbox's own list does not) is searched for again. One transaction.
import { DEFAULT_ORG_SETTINGS } from '../activity-store/org-settings.ts';
import { applyBlocklistChange } from '../crm/blocklist-lookback.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { OrgSettings } from '../db/schema.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { ownerAddresses } from '../mailbox/send-as.ts';
import { withNeverLog } from './org-rules.ts';

type NeverLog = OrgSettings['never_log'];

export async function updateOrgRules(
  db: Db,
  orgId: string,
  patch: Partial<OrgSettings>,
): Promise<OrgSettings> {
  const normal: Partial<OrgSettings> = {
    ...patch,
    ...(patch.never_log ? { never_log: normalised(patch.never_log) } : {}),
  };
  return db.transaction(async (tx) => {
    // The row locked: two changes of the list at once each see the other's result.
    const { rows } = await tx.execute<{ settings: Partial<OrgSettings> }>(sql`
      insert into org_settings (org_id, settings) values (${orgId}, '{}'::jsonb)
      on conflict (org_id) do update set updated_at = now()
      returning settings`);
    const before = { ...DEFAULT_ORG_SETTINGS, ...rows[0]?.settings };
    const after = { ...before, ...normal };
    await tx.execute(sql`
      update org_settings set settings = settings || ${JSON.stringify(normal)}::jsonb,
             updated_at = now()
       where org_id = ${orgId}`);
    if (normal.never_log) {
      const { rows: boxes } = await tx.execute<
        Pick<Mailbox, 'id' | 'email' | 'sendAs' | 'settings'>
      >(
        sql`select id, email, send_as as "sendAs", settings from mailboxes
             where org_id = ${orgId} and status <> 'disconnected'`,
      );
      for (const box of boxes) {
        const owner = { id: box.id, orgId, owners: ownerAddresses(box) };
        const was = withNeverLog(box.settings, { neverLog: before.never_log });
        const now = withNeverLog(box.settings, { neverLog: after.never_log });
        await applyBlocklistChange(tx, owner, was, now);
      }
    }
    return after;
  });
}

/** An erased address taken off the org's `never_log` list (org/erasure-rows.ts). */
export async function dropNeverLogAddress(
  tx: Pick<Db, 'execute'>,
  orgId: string,
  email: string,
): Promise<void> {
  const without = (path: string[]) => sql`coalesce((
      select jsonb_agg(v) from jsonb_array_elements(settings #> ${sqlArray(path, 'text')}) v
       where lower(v #>> '{}') <> ${email}), '[]'::jsonb)`;
  await tx.execute(sql`
    update org_settings
       set settings = jsonb_set(settings, '{never_log,addresses}',
                                ${without(['never_log', 'addresses'])})
     where org_id = ${orgId} and settings #> '{never_log,addresses}' ? ${email}`);
}

function normalised(list: NeverLog): NeverLog {
  const lower = (values: string[]) => [...new Set(values.map((v) => v.trim().toLowerCase()))];
  return { domains: lower(list.domains), addresses: lower(list.addresses) };
}
