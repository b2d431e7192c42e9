// `rotate-keys` for the orgs' erasure keys: each sealed key's data key rewrapped under the current
// wrapping key (vault/rotate-keys.ts), compare-and-set on the wrapped key that was read. Without
// it, retiring an old local key (TOKEN_ENCRYPTION_KEY_PREVIOUS) would make every erasure's hash
// uncomputable, and the erased addresses no longer blocked.
import type { Db } from '../db/database.ts';
import { asc, gt } from '../db/orm.ts';
import { erasureKeys } from '../db/schema.ts';
import { rotateKeys } from '../vault/rotate-keys.ts';
import type { Vault } from '../vault/vault.ts';
import { replaceErasureKey } from './erasure-keys.ts';

export function rotateErasureKeys(db: Db, vault: Vault) {
  return rotateKeys(vault, {
    listWrappedKeys: (afterId, limit) =>
      db
        .select({
          id: erasureKeys.orgId,
          wrappedKey: erasureKeys.wrappedKey,
          keyId: erasureKeys.keyId,
        })
        .from(erasureKeys)
        .where(afterId ? gt(erasureKeys.orgId, afterId) : undefined)
        .orderBy(asc(erasureKeys.orgId))
        .limit(limit),
    replaceWrappedKey: (orgId, old, next) => replaceErasureKey(db, orgId, old, next),
  });
}
