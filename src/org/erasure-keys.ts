// Each org's key for hashing erased addresses: 32 random bytes made at its first erasure, sealed by
// the vault (Cloud KMS or the local key protects it, as a mailbox's tokens; `rotate-keys` rewraps
// it, erasure-key-rotation.ts). The hash is HMAC-SHA256 of the lower-cased address: without the key
// a dictionary of addresses cannot find which one an erasure names, and one org's hash says
// nothing about another's.
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { and, eq, sql } from '../db/orm.ts';
import { erasureKeys } from '../db/schema.ts';
import type { Sealer } from '../suppressions/unsubscribe-key.ts';

export type AddressHasher = (email: string) => string;

export interface ErasureHashing {
  /** The org's hasher; undefined when it has no key yet (`create`: make one). */
  hasherFor(orgId: string, opts?: { create?: boolean }): Promise<AddressHasher | undefined>;
}

/** The associated data its sealed key is bound to: a sealed key moved to another org does not open. */
const aadOf = (orgId: string) => `erasure-key:${orgId}`;

export function makeErasureHashing(deps: { db: Db; vault: Sealer }): ErasureHashing {
  async function stored(orgId: string) {
    const { rows } = await deps.db.execute<{ sealed: Buffer; wrapped_key: Buffer; key_id: string }>(
      sql`select sealed, wrapped_key, key_id from erasure_keys where org_id = ${orgId}`,
    );
    return rows[0];
  }
  async function create(orgId: string) {
    const fresh = randomBytes(32);
    const sealed = await deps.vault.sealData(aadOf(orgId), fresh);
    fresh.fill(0);
    // Two first erasures at once: the first key stored wins, the other is dropped unused.
    await deps.db.execute(sql`
      insert into erasure_keys (org_id, sealed, wrapped_key, key_id)
      values (${orgId}, ${sealed.ciphertext}, ${sealed.wrappedKey}, ${sealed.keyId})
      on conflict (org_id) do nothing`);
    return stored(orgId);
  }
  return {
    async hasherFor(orgId, opts = {}) {
      const row = (await stored(orgId)) ?? (opts.create ? await create(orgId) : undefined);
      if (!row) return undefined;
      const key = await deps.vault.openData(aadOf(orgId), {
        ciphertext: row.sealed,
        wrappedKey: row.wrapped_key,
        keyId: row.key_id,
      });
      return (email) => createHmac('sha256', key).update(email.trim().toLowerCase()).digest('hex');
    },
  };
}

/**
 * An org's key rewrapped (erasure-key-rotation.ts): compare-and-set on the wrapped key that was
 * read, so a rotation racing another changes it once. False: another got there first.
 */
export async function replaceErasureKey(
  db: Db,
  orgId: string,
  old: { wrappedKey: Buffer; keyId: string },
  next: { wrappedKey: Buffer; keyId: string },
): Promise<boolean> {
  const changed = await db
    .update(erasureKeys)
    .set({ wrappedKey: next.wrappedKey, keyId: next.keyId })
    .where(
      and(
        eq(erasureKeys.orgId, orgId),
        eq(erasureKeys.wrappedKey, old.wrappedKey),
        eq(erasureKeys.keyId, old.keyId),
      ),
    )
    .returning({ orgId: erasureKeys.orgId });
  return changed.length > 0;
}
