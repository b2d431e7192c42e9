// Per-org settings (GET/PUT /org/settings, admin only): `sensitive_guard`, `auto_create_contacts`,
// `never_log`, `max_visibility`. An org without a row has the defaults, so nothing needs creating
// when an org first appears. Changes go through org/org-settings-update.ts (never_log looks back).
import type { Db } from '../db/database.ts';
import { eq } from '../db/orm.ts';
import { type OrgSettings, orgSettings } from '../db/schema.ts';

export const DEFAULT_ORG_SETTINGS: OrgSettings = {
  sensitive_guard: 'on',
  auto_create_contacts: 'none',
  never_log: { domains: [], addresses: [] },
  max_visibility: 'full',
};

export async function readOrgSettings(db: Db, orgId: string): Promise<OrgSettings> {
  const rows = await db
    .select({ settings: orgSettings.settings })
    .from(orgSettings)
    .where(eq(orgSettings.orgId, orgId))
    .limit(1);
  return { ...DEFAULT_ORG_SETTINGS, ...rows[0]?.settings };
}
