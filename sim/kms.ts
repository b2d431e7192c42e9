// Cloud KMS Encrypt/Decrypt (https://cloud.google.com/kms/docs/reference/rpc/google.cloud.kms.v1):
// AES-256-GCM under a secret per key version, the ciphertext naming its version, with the CRC32C
// integrity fields real KMS fills (https://cloud.google.com/kms/docs/data-integrity-guidelines):
// a checksum sent with the request is verified (INVALID_ARGUMENT when it does not match) and said
// to be, and the response carries the checksum of what it returns.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { crc32c } from './crc32c.ts';
import { type Call, type Callback, fail } from './grpc-common.ts';

export interface KmsKeys {
  create(name: string): void;
  rotate(name: string): string;
}

type Checksum = { value?: string | number } | null | undefined;
const bytesOf = (v: unknown) => Buffer.from((v as Uint8Array | undefined) ?? []);
const checksum = (data: Buffer) => ({ value: String(crc32c(data)) });

/** Whether a request checksum was sent; throws INVALID_ARGUMENT-worthy text when it is wrong. */
function verified(sent: Checksum, data: Buffer, field: string, dataField: string): boolean {
  if (sent?.value === undefined || sent.value === null) return false;
  if (Number(sent.value) !== crc32c(data))
    throw new Error(`The checksum in field ${field} did not match the data in field ${dataField}.`);
  return true;
}

export function kmsService(initial: string[]) {
  const keys = new Map<string, { primary: number; secrets: Map<number, Buffer> }>();
  const create = (name: string) => {
    if (!keys.has(name)) keys.set(name, { primary: 1, secrets: new Map([[1, randomBytes(32)]]) });
  };
  for (const name of initial) create(name);
  const keyName = (name: string) => name.replace(/\/cryptoKeyVersions\/\d+$/, '');
  const keyOf = (name: string) => keys.get(keyName(name));

  const handlers: grpc.UntypedServiceImplementation = {
    Encrypt(call: Call, cb: Callback) {
      const name = String(call.request.name);
      const key = keyOf(name);
      if (!key) return fail(cb, grpc.status.NOT_FOUND, `CryptoKey ${name} not found.`);
      const plaintext = bytesOf(call.request.plaintext);
      const aad = bytesOf(call.request.additionalAuthenticatedData);
      let plainOk: boolean;
      let aadOk: boolean;
      try {
        plainOk = verified(
          call.request.plaintextCrc32c as Checksum,
          plaintext,
          'plaintext_crc32c',
          'plaintext',
        );
        aadOk = verified(
          call.request.additionalAuthenticatedDataCrc32c as Checksum,
          aad,
          'additional_authenticated_data_crc32c',
          'additional_authenticated_data',
        );
      } catch (e) {
        return fail(cb, grpc.status.INVALID_ARGUMENT, (e as Error).message);
      }
      const version = key.primary;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key.secrets.get(version) as Buffer, iv);
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const header = Buffer.alloc(4);
      header.writeUInt32BE(version);
      const ciphertext = Buffer.concat([header, iv, cipher.getAuthTag(), body]);
      cb(null, {
        name: `${keyName(name)}/cryptoKeyVersions/${version}`,
        ciphertext,
        ciphertextCrc32c: checksum(ciphertext),
        verifiedPlaintextCrc32c: plainOk,
        verifiedAdditionalAuthenticatedDataCrc32c: aadOk,
        protectionLevel: 'SOFTWARE',
      });
    },
    Decrypt(call: Call, cb: Callback) {
      const name = String(call.request.name);
      const key = keyOf(name);
      if (!key) return fail(cb, grpc.status.NOT_FOUND, `CryptoKey ${name} not found.`);
      const c = bytesOf(call.request.ciphertext);
      const aad = bytesOf(call.request.additionalAuthenticatedData);
      try {
        verified(call.request.ciphertextCrc32c as Checksum, c, 'ciphertext_crc32c', 'ciphertext');
        verified(
          call.request.additionalAuthenticatedDataCrc32c as Checksum,
          aad,
          'additional_authenticated_data_crc32c',
          'additional_authenticated_data',
        );
      } catch (e) {
        return fail(cb, grpc.status.INVALID_ARGUMENT, (e as Error).message);
      }
      const version = c.length > 32 ? c.readUInt32BE(0) : 0;
      const secret = key.secrets.get(version);
      try {
        if (!secret) throw new Error('unknown version');
        const decipher = createDecipheriv('aes-256-gcm', secret, c.subarray(4, 16));
        decipher.setAAD(aad);
        decipher.setAuthTag(c.subarray(16, 32));
        const plaintext = Buffer.concat([decipher.update(c.subarray(32)), decipher.final()]);
        cb(null, {
          plaintext,
          plaintextCrc32c: checksum(plaintext),
          usedPrimary: version === key.primary,
          protectionLevel: 'SOFTWARE',
        });
      } catch {
        fail(cb, grpc.status.INVALID_ARGUMENT, 'Decryption failed: the ciphertext is invalid.');
      }
    },
    GetCryptoKey(call: Call, cb: Callback) {
      const name = String(call.request.name);
      const key = keyOf(name);
      if (!key) return fail(cb, grpc.status.NOT_FOUND, `CryptoKey ${name} not found.`);
      cb(null, {
        name,
        purpose: 'ENCRYPT_DECRYPT',
        primary: { name: `${name}/cryptoKeyVersions/${key.primary}`, state: 'ENABLED' },
      });
    },
  };
  return {
    handlers,
    keys: {
      create,
      rotate(name: string) {
        create(name);
        const key = keys.get(name) as { primary: number; secrets: Map<number, Buffer> };
        key.primary += 1;
        key.secrets.set(key.primary, randomBytes(32));
        return `${name}/cryptoKeyVersions/${key.primary}`;
      },
    },
  };
}
