// `rotate-keys`: every mailbox's data key rewrapped under the current wrapping key. The store is a
// compare-and-set on the wrapped key, so a concurrent reconnect or refresh is never overwritten. The
// rewrapping is the vault's (vault/rotate-keys.ts); the mailboxes table it walks is this folder's.

import type { Db } from '../db/database.ts';
import { and, asc, gt, isNotNull } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import { rotateKeys } from '../vault/rotate-keys.ts';
import type { Vault } from '../vault/vault.ts';
import { replaceWrappedKey } from './mailbox-store.ts';

export function rotateAllKeys(db: Db, vault: Vault, onProgress?: (done: number) => void) {
  return rotateKeys(
    vault,
    {
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
    },
    onProgress,
  );
}
