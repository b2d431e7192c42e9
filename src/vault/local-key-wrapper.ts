// A local wrapping key (TOKEN_ENCRYPTION_KEY): AES-256-GCM over the data key. Older keys stay
// usable for unwrapping, so rotating the local key is: new current, old as previous, rotate-keys.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { type KeyWrapper, VaultError } from './key-wrapper.ts';

export function localKeyId(key: Buffer): string {
  return `local:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

export function makeLocalKeyWrapper(keys: { current: Buffer; previous?: Buffer[] }): KeyWrapper {
  const byId = new Map<string, Buffer>();
  for (const key of [keys.current, ...(keys.previous ?? [])]) byId.set(localKeyId(key), key);
  const currentId = localKeyId(keys.current);
  return {
    currentKeyId: async () => currentId,
    async wrap(dataKey) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys.current, iv);
      cipher.setAAD(Buffer.from(currentId));
      const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      return { wrappedKey: Buffer.concat([iv, cipher.getAuthTag(), body]), keyId: currentId };
    },
    async unwrap(wrappedKey, keyId) {
      const key = byId.get(keyId);
      if (!key || wrappedKey.length < 29) throw new VaultError('the wrapping key is not available');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, wrappedKey.subarray(0, 12));
        decipher.setAAD(Buffer.from(keyId));
        decipher.setAuthTag(wrappedKey.subarray(12, 28));
        return Buffer.concat([decipher.update(wrappedKey.subarray(28)), decipher.final()]);
      } catch {
        throw new VaultError('the data key does not unwrap');
      }
    },
  };
}
