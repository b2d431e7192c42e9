// The key behind unsubscribe links: 32 random bytes the service generates once, kept in
// `service_secrets` sealed by the vault (so KMS, or the local TOKEN_ENCRYPTION_KEY, protects it)
// and read once per process. Not derived straight from TOKEN_ENCRYPTION_KEY or CRM_JWT_SECRET:
// either may be absent (KMS_KEY_NAME, CRM_JWKS_URL), and rotating either would silently break every
// unsubscribe link already in recipients' mailboxes, which must keep working (RFC 8058 gives them
// no expiry; CAN-SPAM wants 30 days at least). The two working keys are derived from it with HKDF
// (RFC 5869, SHA-256), one for encryption and one for the HMAC.
import { hkdfSync, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';

/** The vault's sealing of any bytes (vault/vault.ts), as this module uses it. */
export interface Sealer {
  sealData(aad: string, plain: Buffer): Promise<Sealed>;
  openData(aad: string, sealed: Sealed): Promise<Buffer>;
}
interface Sealed {
  ciphertext: Buffer;
  wrappedKey: Buffer;
  keyId: string;
}

const NAME = 'unsubscribe';
const AAD = `service-secret:${NAME}`;

export interface UnsubscribeKeys {
  encryption: Buffer;
  mac: Buffer;
}

/** Reads the secret, creating it on first use (two processes racing agree on the first stored). */
export async function loadUnsubscribeKeys(db: Db, vault: Sealer): Promise<UnsubscribeKeys> {
  const fresh = randomBytes(32);
  const sealed = await vault.sealData(AAD, fresh);
  fresh.fill(0);
  const { rows } = await db.execute<{ sealed: Buffer; wrapped_key: Buffer; key_id: string }>(sql`
    with added as (
      insert into service_secrets (name, sealed, wrapped_key, key_id)
      values (${NAME}, ${sealed.ciphertext}, ${sealed.wrappedKey}, ${sealed.keyId})
      on conflict (name) do nothing
      returning sealed, wrapped_key, key_id
    )
    select sealed, wrapped_key, key_id from added
    union all
    select sealed, wrapped_key, key_id from service_secrets
     where name = ${NAME} and not exists (select 1 from added)`);
  const row = rows[0];
  if (!row) throw new Error('the unsubscribe secret was neither stored nor found');
  const secret = await vault.openData(AAD, {
    ciphertext: row.sealed,
    wrappedKey: row.wrapped_key,
    keyId: row.key_id,
  });
  const derive = (info: string) =>
    Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `gmail-sync ${info}`, 32));
  const keys = {
    encryption: derive('unsubscribe-token enc v1'),
    mac: derive('unsubscribe-token mac v1'),
  };
  secret.fill(0);
  return keys;
}

/** One load per process, shared by every caller; a failed load is tried again next time. */
export function cachedUnsubscribeKeys(db: Db, vault: Sealer): () => Promise<UnsubscribeKeys> {
  let loading: Promise<UnsubscribeKeys> | undefined;
  return () => {
    loading ??= loadUnsubscribeKeys(db, vault).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
