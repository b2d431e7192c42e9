// Cloud KMS wraps the data keys: the key never leaves KMS, the data key is sent to Encrypt once per
// mailbox and to Decrypt when a process first needs it (then cached briefly by the vault). The
// Encrypt answer names the CryptoKeyVersion used, so a rotation at KMS is visible per row.
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import { type KeyWrapper, VaultError } from './key-wrapper.ts';

export function makeKmsKeyWrapper(client: KeyManagementServiceClient, keyName: string): KeyWrapper {
  return {
    async currentKeyId() {
      const [key] = await client.getCryptoKey({ name: keyName });
      return key.primary?.name ?? keyName;
    },
    async wrap(dataKey) {
      const [result] = await client.encrypt({ name: keyName, plaintext: dataKey });
      if (!result.ciphertext) throw new VaultError('KMS returned no ciphertext');
      return {
        wrappedKey: Buffer.from(result.ciphertext as Uint8Array),
        keyId: result.name ?? keyName,
      };
    },
    async unwrap(wrappedKey) {
      try {
        // Decrypt takes the CryptoKey; KMS finds the version inside the ciphertext.
        const [result] = await client.decrypt({ name: keyName, ciphertext: wrappedKey });
        if (!result.plaintext) throw new Error('empty');
        return Buffer.from(result.plaintext as Uint8Array);
      } catch {
        throw new VaultError('KMS could not unwrap the data key');
      }
    },
  };
}
