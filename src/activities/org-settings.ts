// Per-org settings (GET/PUT /org/settings, admin only): `sensitive_guard`, `auto_create_contacts`,
// `never_log`, `max_visibility`. An org without a row has the defaults, so nothing needs creating
// when an org first appears.
import type { Db } from '../db/database.ts';
import { eq, sql } from '../db/orm.ts';
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

/** Merges the given fields into the org's settings (one statement: concurrent PUTs both land). */
export async function updateOrgSettings(
  db: Db,
  orgId: string,
  patch: Partial<OrgSettings>,
): Promise<OrgSettings> {
  const rows = await db
    .insert(orgSettings)
    .values({ orgId, settings: patch })
    .onConflictDoUpdate({
      target: orgSettings.orgId,
      set: {
        settings: sql`${orgSettings.settings} || ${JSON.stringify(patch)}::jsonb`,
        updatedAt: sql`now()`,
      },
    })
    .returning({ settings: orgSettings.settings });
  return { ...DEFAULT_ORG_SETTINGS, ...rows[0]?.settings };
}
