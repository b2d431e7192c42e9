// The org-wide tables (issue 23): a Google Workspace connected through domain-wide delegation, the
// CRM users a mailbox is shared with, and the people erased from the org, with the key their
// addresses are hashed under. Re-exported by schema.ts (drizzle reads that).
import { createdAt, tstz } from './columns.ts';
import { pgCore } from './orm.ts';

const { customType, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } = pgCore;
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** `mailboxes.connected_via`: by its CRM user (OAuth: theirs), or by the org's Workspace through
 * domain-wide delegation (the org's). */
export type ConnectedVia = 'user' | 'workspace';

/** Which of the domain's users are connected: every one, or the addresses listed. */
export type WorkspaceUsers = 'all' | { emails: string[] };

/** `active` once checked (or not yet: checked_at null); `unauthorized`: the admin has not
 * authorised our client for the scopes; `error`: anything else the check could not get past. */
export type WorkspaceState = 'active' | 'unauthorized' | 'error';

/** One Workspace per org, and one org per Workspace domain. */
export const workspaces = pgTable(
  'workspaces',
  {
    orgId: text('org_id').primaryKey(),
    /** Lower-cased Workspace domain (acme.com). */
    domain: text('domain').notNull(),
    /** The administrator the service acts as to list the domain's users. */
    adminEmail: text('admin_email').notNull(),
    users: jsonb('users').$type<WorkspaceUsers>().notNull(),
    state: text('state').$type<WorkspaceState>().notNull().default('active'),
    /** What the last check found: users in scope, connected, failed, suspended. */
    found: integer('found').notNull().default(0),
    connected: integer('connected').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    suspended: integer('suspended').notNull().default(0),
    checkedAt: tstz('checked_at'),
    lastError: text('last_error'),
    /** The service account's OAuth client id, learnt by a check: what the admin must authorise. */
    clientId: text('client_id'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('workspaces_domain_uq').on(t.domain)],
);

/** CRM users a mailbox is shared with: they see its activities and may send from it. */
export const mailboxMembers = pgTable(
  'mailbox_members',
  {
    mailboxId: uuid('mailbox_id').notNull(),
    orgId: text('org_id').notNull(),
    userId: text('user_id').notNull(),
    addedBy: text('added_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.mailboxId, t.userId] }),
    index('mailbox_members_user_idx').on(t.orgId, t.userId),
  ],
);

/** What an erasure removed, by kind: the receipt's `removed`. */
export type ErasureCounts = Record<string, number>;

/**
 * People erased from an org: only a keyed hash of the address (HMAC-SHA256 under the org's erasure
 * key), which blocks the address for good and cannot be reversed by a dictionary without the key.
 */
export const erasures = pgTable(
  'erasures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: text('org_id').notNull(),
    emailHash: text('email_hash').notNull(),
    requestedBy: text('requested_by').notNull(),
    removed: jsonb('removed').$type<ErasureCounts>().notNull(),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('erasures_org_hash_uq').on(t.orgId, t.emailHash)],
);

/** Each org's HMAC key for erased addresses, sealed by the vault (its data key wrapped by KMS or
 * the local key, as a mailbox's tokens are). */
export const erasureKeys = pgTable('erasure_keys', {
  orgId: text('org_id').primaryKey(),
  sealed: bytea('sealed').notNull(),
  wrappedKey: bytea('wrapped_key').notNull(),
  keyId: text('key_id').notNull(),
  createdAt: createdAt(),
});
