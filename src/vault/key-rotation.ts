// `rotate-keys`: every wrapped key rewrapped under the current wrapping key: each mailbox's data
// key, and each org's erasure key (org/erasure-keys.ts). The stores are compare-and-set on the
// wrapped key that was read, so a concurrent reconnect or refresh is never overwritten.

import type { Db } from '../db/database.ts';
import { and, asc, eq, gt, isNotNull } from '../db/orm.ts';
import { erasureKeys, mailboxes } from '../db/schema.ts';
import { replaceWrappedKey } from '../mailbox/mailbox-store.ts';
import { rotateKeys, type WrappedKeyStore } from './rotate-keys.ts';
import type { Vault } from './vault.ts';

export async function rotateAllKeys(db: Db, vault: Vault, onProgress?: (done: number) => void) {
  const boxes = await rotateKeys(vault, mailboxKeys(db), onProgress);
  const erasure = await rotateKeys(vault, erasureKeyStore(db));
  return {
    rewrapped: boxes.rewrapped + erasure.rewrapped,
    unchanged: boxes.unchanged + erasure.unchanged,
  };
}

function mailboxKeys(db: Db): WrappedKeyStore {
  return {
    async listWrappedKeys(afterId, limit) {
      const rows = await db
        .select({ id: mailboxes.id, wrappedKey: mailboxes.wrappedKey, keyId: mailboxes.keyId })
        .from(mailboxes)
        .where(
          and(isNotNull(mailboxes.wrappedKey), afterId ? gt(mailboxes.id, afterId) : undefined),
        )
        .orderBy(asc(mailboxes.id))
        .limit(limit);
      return rows.flatMap((r) =>
        r.wrappedKey && r.keyId ? [{ id: r.id, wrappedKey: r.wrappedKey, keyId: r.keyId }] : [],
      );
    },
    replaceWrappedKey: (id, old, next) => replaceWrappedKey(db, id, old, next),
  };
}

function erasureKeyStore(db: Db): WrappedKeyStore {
  return {
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
    async replaceWrappedKey(orgId, old, next) {
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
    },
  };
}
