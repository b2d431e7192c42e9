// Per-mailbox settings: which mail is never logged (filters), how much of the rest is kept
// (`visibility`: full, subject or metadata; applied as mail is logged, see
// activity-store/activity-content.ts),
// and whether mail trashed or deleted in Gmail keeps its activity (`on_gmail_delete`). A blocklist
// change looks back: what it now blocks is removed, what it no longer blocks searched again.

import { AppError } from '../app-error.ts';
import { applyBlocklistChange } from '../crm/blocklist-lookback.ts';
import type { Db } from '../db/database.ts';
import type { MailboxSettings } from '../db/schema.ts';
import { findMailboxForUser, type Mailbox, storeSettings } from './mailbox-store.ts';
import { ownerAddresses } from './send-as.ts';

export async function requireMailbox(db: Db, orgId: string, userId: string): Promise<Mailbox> {
  const mailbox = await findMailboxForUser(db, orgId, userId);
  if (!mailbox) throw new AppError('mailbox_not_connected', 'no Gmail mailbox is connected');
  return mailbox;
}

/** Rows written before a setting existed answer its default. */
const withDefaults = (s: MailboxSettings): MailboxSettings => ({
  visibility: 'full',
  on_gmail_delete: 'keep',
  ...s,
});

export async function getSettings(db: Db, orgId: string, userId: string): Promise<MailboxSettings> {
  return withDefaults((await requireMailbox(db, orgId, userId)).settings);
}

/** Merges the given fields into the stored settings; lists are normalised to lower case. */
export async function updateSettings(
  db: Db,
  orgId: string,
  userId: string,
  patch: Partial<MailboxSettings>,
): Promise<MailboxSettings> {
  const mailbox = await requireMailbox(db, orgId, userId);
  const lower = (list: string[] | undefined) =>
    list && [...new Set(list.map((s) => s.trim().toLowerCase()))];
  const next: MailboxSettings = {
    ...mailbox.settings,
    ...(patch.excluded_labels ? { excluded_labels: [...new Set(patch.excluded_labels)] } : {}),
    ...(patch.blocked_domains ? { blocked_domains: lower(patch.blocked_domains) ?? [] } : {}),
    ...(patch.blocked_addresses ? { blocked_addresses: lower(patch.blocked_addresses) ?? [] } : {}),
    ...(patch.log_internal !== undefined ? { log_internal: patch.log_internal } : {}),
    ...(patch.visibility ? { visibility: patch.visibility } : {}),
    ...(patch.on_gmail_delete ? { on_gmail_delete: patch.on_gmail_delete } : {}),
  };
  // The settings and what the blocklist change removes or searches for commit together.
  await db.transaction(async (tx) => {
    await storeSettings(tx, mailbox.id, next);
    const owner = { id: mailbox.id, orgId: mailbox.orgId, owners: ownerAddresses(mailbox) };
    await applyBlocklistChange(tx, owner, mailbox.settings, next);
  });
  return withDefaults(next);
}
