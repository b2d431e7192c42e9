// Envelope encryption of a mailbox's OAuth tokens: a random 32-byte data key per mailbox seals the
// tokens with AES-256-GCM, the mailbox id as associated data (a ciphertext moved to another row
// does not open); the data key is stored wrapped by KMS or the local key. Unwrapped data keys are
// cached briefly so a sync does not call KMS each time.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type KeyWrapper, VaultError } from './key-wrapper.ts';

export interface OAuthTokens {
  accessToken: string | null;
  refreshToken: string;
  expiryDate: number | null;
  scope: string;
}

export interface SealedTokens {
  ciphertext: Buffer;
  wrappedKey: Buffer;
  keyId: string;
}

export interface Vault {
  seal(
    mailboxId: string,
    tokens: OAuthTokens,
    existing?: { wrappedKey: Buffer; keyId: string },
  ): Promise<SealedTokens>;
  open(mailboxId: string, sealed: SealedTokens): Promise<OAuthTokens>;
  /** Any bytes under a fresh data key, bound to `aad` (a row id): a scheduled mail, a secret. */
  sealData(aad: string, plain: Buffer): Promise<SealedTokens>;
  openData(aad: string, sealed: SealedTokens): Promise<Buffer>;
  /** The data key rewrapped under the current key; null when it already is. */
  rewrap(sealed: {
    wrappedKey: Buffer;
    keyId: string;
  }): Promise<{ wrappedKey: Buffer; keyId: string } | null>;
}

const VERSION = 1;

export function makeVault(
  wrapper: KeyWrapper,
  opts: { cacheTtlMs?: number; cacheSize?: number } = {},
): Vault {
  const ttl = opts.cacheTtlMs ?? 5 * 60_000;
  const maxSize = opts.cacheSize ?? 10_000;
  const cache = new Map<string, { key: Buffer; expires: number }>();

  async function dataKey(wrappedKey: Buffer, keyId: string): Promise<Buffer> {
    const id = `${keyId}:${wrappedKey.toString('base64')}`;
    const hit = cache.get(id);
    if (hit && hit.expires > Date.now()) {
      // Map keeps insertion order: re-inserting makes this the most recently used entry.
      cache.delete(id);
      cache.set(id, hit);
      return Buffer.from(hit.key);
    }
    if (hit) forget(id);
    const key = await wrapper.unwrap(wrappedKey, keyId);
    remember(id, key);
    return Buffer.from(key);
  }

  // The cache owns its buffers and zeroes them when it drops them; callers get copies to zero.
  function forget(id: string): void {
    cache.get(id)?.key.fill(0);
    cache.delete(id);
  }

  function remember(id: string, key: Buffer): void {
    while (cache.size >= maxSize) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      forget(oldest);
    }
    cache.set(id, { key, expires: Date.now() + ttl });
  }

  async function sealWith(
    aad: string,
    plain: Buffer,
    existing?: { wrappedKey: Buffer; keyId: string },
  ): Promise<SealedTokens> {
    let wrapped = existing;
    let key: Buffer;
    if (wrapped) key = await dataKey(wrapped.wrappedKey, wrapped.keyId);
    else {
      key = randomBytes(32);
      wrapped = await wrapper.wrap(key);
      remember(`${wrapped.keyId}:${wrapped.wrappedKey.toString('base64')}`, Buffer.from(key));
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    key.fill(0);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return {
      ciphertext: Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]),
      wrappedKey: wrapped.wrappedKey,
      keyId: wrapped.keyId,
    };
  }

  async function openWith(aad: string, sealed: SealedTokens, what: string): Promise<Buffer> {
    const key = await dataKey(sealed.wrappedKey, sealed.keyId);
    const c = sealed.ciphertext;
    if (c.length < 30 || c[0] !== VERSION) {
      key.fill(0);
      throw new VaultError(`${what} are malformed`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, c.subarray(1, 13));
      key.fill(0);
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(c.subarray(13, 29));
      return Buffer.concat([decipher.update(c.subarray(29)), decipher.final()]);
    } catch {
      key.fill(0);
      throw new VaultError(
        `${what} do not open for this ${what === 'sealed tokens' ? 'mailbox' : 'row'}`,
      );
    }
  }

  const vault: Vault = {
    async seal(mailboxId, tokens, existing) {
      return sealWith(mailboxId, Buffer.from(JSON.stringify(tokens), 'utf8'), existing);
    },
    async open(mailboxId, sealed) {
      const plain = await openWith(mailboxId, sealed, 'sealed tokens');
      const opened = JSON.parse(plain.toString('utf8')) as OAuthTokens;
      plain.fill(0);
      return opened;
    },
    sealData: (aad, plain) => sealWith(aad, plain),
    openData: (aad, sealed) => openWith(aad, sealed, 'sealed data'),
    async rewrap(sealed) {
      const current = await wrapper.currentKeyId();
      if (sealed.keyId === current) return null;
      const key = await dataKey(sealed.wrappedKey, sealed.keyId);
      try {
        return await wrapper.wrap(key);
      } finally {
        key.fill(0);
      }
    },
  };
  // Nothing secret may show up when a vault is logged or inspected.
  Object.defineProperty(vault, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => 'Vault {}',
  });
  Object.defineProperty(vault, 'toJSON', { value: () => ({}) });
  return vault;
}
