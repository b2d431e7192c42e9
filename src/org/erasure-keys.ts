// Each org's key for hashing erased addresses: 32 random bytes made at its first erasure, stored
// wrapped by the vault (Cloud KMS or the local key, as mailbox data keys; rotate-keys rewraps it).
// The hash is HMAC-SHA256 of the lower-cased address: without the key, a dictionary of addresses
// cannot find which one an erasure names, and one org's hash says nothing about another's.
import { createHmac } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { eq, sql } from '../db/orm.ts';
import { erasureKeys } from '../db/schema.ts';

export type AddressHasher = (email: string) => string;

/** The vault's part this needs (vault/vault.ts), named here so org/ does not depend on vault/. */
export interface KeyVault {
  newKey(): Promise<{ key: Buffer; wrappedKey: Buffer; keyId: string }>;
  openKey(wrapped: { wrappedKey: Buffer; keyId: string }): Promise<Buffer>;
}

export interface ErasureHashing {
  /** The org's hasher; undefined when it has no key yet (`create`: make one). */
  hasherFor(orgId: string, opts?: { create?: boolean }): Promise<AddressHasher | undefined>;
}

export function makeErasureHashing(deps: { db: Db; vault: KeyVault }): ErasureHashing {
  async function storedKey(orgId: string) {
    const [row] = await deps.db.select().from(erasureKeys).where(eq(erasureKeys.orgId, orgId));
    return row;
  }
  async function createKey(orgId: string) {
    const made = await deps.vault.newKey();
    made.key.fill(0);
    // Two first erasures at once: the first key stored wins, the other is dropped unused.
    await deps.db.execute(sql`
      insert into erasure_keys (org_id, wrapped_key, key_id)
      values (${orgId}, ${made.wrappedKey}, ${made.keyId}) on conflict (org_id) do nothing`);
    return storedKey(orgId);
  }
  return {
    async hasherFor(orgId, opts = {}) {
      const row = (await storedKey(orgId)) ?? (opts.create ? await createKey(orgId) : undefined);
      if (!row) return undefined;
      const key = await deps.vault.openKey(row);
      const own = Buffer.from(key);
      key.fill(0);
      return (email) => createHmac('sha256', own).update(email.trim().toLowerCase()).digest('hex');
    },
  };
}
