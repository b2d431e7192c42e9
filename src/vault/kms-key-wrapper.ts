// Cloud KMS wraps the data keys: the key never leaves KMS, the data key is sent to Encrypt once per
// mailbox and to Decrypt when a process first needs it (then cached briefly by the vault). The
// Encrypt answer names the CryptoKeyVersion used, so a rotation at KMS is visible per row.
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import { crc32c } from './crc32c.ts';
import { type KeyWrapper, VaultError } from './key-wrapper.ts';

type Int64Value = { value?: number | string | { toString(): string } | null } | null | undefined;

/** The checksum KMS returned, or null when the server sent none (the simulator sends none). */
function checksumOf(field: Int64Value): number | null {
  const value = field?.value;
  return value === null || value === undefined ? null : Number(String(value));
}

export function makeKmsKeyWrapper(client: KeyManagementServiceClient, keyName: string): KeyWrapper {
  return {
    async currentKeyId() {
      const [key] = await client.getCryptoKey({ name: keyName });
      return key.primary?.name ?? keyName;
    },
    async wrap(dataKey) {
      // Integrity checks as https://cloud.google.com/kms/docs/data-integrity-guidelines asks: send the
      // plaintext's CRC32C, check KMS saw it intact and that the ciphertext arrived intact.
      const [result] = await client.encrypt({
        name: keyName,
        plaintext: dataKey,
        plaintextCrc32c: { value: crc32c(dataKey) },
      });
      if (!result.ciphertext) throw new VaultError('KMS returned no ciphertext');
      const ciphertext = Buffer.from(result.ciphertext as Uint8Array);
      const returned = checksumOf(result.ciphertextCrc32c);
      // Google's KMS always returns the checksum; a server that returns it must also have verified ours.
      if (
        returned !== null &&
        (returned !== crc32c(ciphertext) || !result.verifiedPlaintextCrc32c)
      ) {
        throw new VaultError('KMS Encrypt failed its integrity check');
      }
      return { wrappedKey: ciphertext, keyId: result.name ?? keyName };
    },
    async unwrap(wrappedKey) {
      let plaintext: Buffer;
      try {
        // Decrypt takes the CryptoKey; KMS finds the version inside the ciphertext.
        const [result] = await client.decrypt({
          name: keyName,
          ciphertext: wrappedKey,
          ciphertextCrc32c: { value: crc32c(wrappedKey) },
        });
        if (!result.plaintext) throw new Error('empty');
        plaintext = Buffer.from(result.plaintext as Uint8Array);
        const returned = checksumOf(result.plaintextCrc32c);
        if (returned !== null && returned !== crc32c(plaintext)) {
          plaintext.fill(0);
          throw new Error('checksum');
        }
      } catch {
        throw new VaultError('KMS could not unwrap the data key');
      }
      return plaintext;
    },
  };
}
