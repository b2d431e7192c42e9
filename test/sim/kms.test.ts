import { KeyManagementServiceClient } from '@google-cloud/kms';
import { credentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { crc32c } from '../../src/vault/crc32c.ts';

const KEY = 'projects/sim/locations/global/keyRings/r/cryptoKeys/k';

describe('the simulated Cloud KMS, through @google-cloud/kms', () => {
  let sim: Simulator;
  let kms: KeyManagementServiceClient;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, kmsKeys: [KEY] });
    kms = new KeyManagementServiceClient({
      servicePath: '127.0.0.1',
      port: sim.port,
      sslCreds: credentials.createInsecure(),
    });
  });
  afterAll(async () => {
    await kms.close();
    await sim.close();
  });

  it('when checksums are sent, then Encrypt and Decrypt verify them and return the CRC32C of what they answer', async () => {
    const plaintext = Buffer.from('a data key of 32 bytes, exactly!');
    const [enc] = await kms.encrypt({
      name: KEY,
      plaintext,
      plaintextCrc32c: { value: crc32c(plaintext) },
    });
    const ciphertext = Buffer.from(enc.ciphertext as Uint8Array);
    expect(enc.verifiedPlaintextCrc32c).toBe(true);
    expect(Number(enc.ciphertextCrc32c?.value)).toBe(crc32c(ciphertext));
    expect(enc.name).toBe(`${KEY}/cryptoKeyVersions/1`);
    const [dec] = await kms.decrypt({
      name: KEY,
      ciphertext,
      ciphertextCrc32c: { value: crc32c(ciphertext) },
    });
    expect(Buffer.from(dec.plaintext as Uint8Array)).toEqual(plaintext);
    expect(Number(dec.plaintextCrc32c?.value)).toBe(crc32c(plaintext));
    expect(dec.usedPrimary).toBe(true);
  });

  it('when a checksum does not match, then KMS answers INVALID_ARGUMENT naming the field', async () => {
    const plaintext = Buffer.from('x');
    await expect(
      kms.encrypt({ name: KEY, plaintext, plaintextCrc32c: { value: crc32c(plaintext) + 1 } }),
    ).rejects.toMatchObject({
      code: 3,
      details: 'The checksum in field plaintext_crc32c did not match the data in field plaintext.',
    });
    const [enc] = await kms.encrypt({ name: KEY, plaintext });
    expect(enc.verifiedPlaintextCrc32c).toBe(false);
    await expect(
      kms.decrypt({ name: KEY, ciphertext: enc.ciphertext, ciphertextCrc32c: { value: 1 } }),
    ).rejects.toMatchObject({ code: 3 });
  });
});
