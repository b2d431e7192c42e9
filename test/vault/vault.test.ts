import { randomBytes, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { makeKmsClient } from '../../src/google/kms-client.ts';
import { makeKmsKeyWrapper } from '../../src/vault/kms-key-wrapper.ts';
import { makeLocalKeyWrapper } from '../../src/vault/local-key-wrapper.ts';
import { rotateKeys, type WrappedKeyStore } from '../../src/vault/rotate-keys.ts';
import { makeVault, type OAuthTokens, type SealedTokens } from '../../src/vault/vault.ts';

const tokens: OAuthTokens = {
  accessToken: 'ya29.secret-access-token',
  refreshToken: '1//secret-refresh-token',
  expiryDate: 1_900_000_000_000,
  scope: 'https://www.googleapis.com/auth/gmail.readonly',
};

describe('the vault with a local key', () => {
  const key = randomBytes(32);
  const vault = makeVault(makeLocalKeyWrapper({ current: key }));

  it('when tokens are sealed, then they open only for the same mailbox', async () => {
    const a = randomUUID();
    const sealed = await vault.seal(a, tokens);
    expect(sealed.ciphertext.includes(Buffer.from('ya29.'))).toBe(false);
    expect(await vault.open(a, sealed)).toEqual(tokens);
    await expect(vault.open(randomUUID(), sealed)).rejects.toMatchObject({
      code: 'vault_unreadable',
    });
  });

  it.each([
    ['the ciphertext', (s: SealedTokens) => ({ ...s, ciphertext: flip(s.ciphertext, 40) })],
    ['the tag', (s: SealedTokens) => ({ ...s, ciphertext: flip(s.ciphertext, 20) })],
    ['the wrapped key', (s: SealedTokens) => ({ ...s, wrappedKey: flip(s.wrappedKey, 30) })],
  ])(
    'when a byte of %s is changed, then opening fails without revealing anything',
    async (_what, tamper) => {
      const id = randomUUID();
      const fresh = makeVault(makeLocalKeyWrapper({ current: key }));
      const sealed = await vault.seal(id, tokens);
      const error = await fresh.open(id, tamper(sealed)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'vault_unreadable' });
      expect(inspect(error)).not.toContain('secret');
    },
  );

  it('when the vault or its wrapper is inspected or serialised, then no key or token shows', async () => {
    await vault.seal(randomUUID(), tokens);
    expect(inspect(vault, { depth: 5, showHidden: true })).not.toContain(
      key.toString('hex').slice(0, 16),
    );
    expect(JSON.stringify(vault)).toBe('{}');
  });

  it('when the cache holds one key and two mailboxes alternate, then both keep opening', async () => {
    const small = makeVault(makeLocalKeyWrapper({ current: key }), { cacheSize: 1 });
    const [a, b] = [randomUUID(), randomUUID()];
    const sealedA = await small.seal(a, tokens);
    const sealedB = await small.seal(b, tokens);
    for (let i = 0; i < 3; i++) {
      expect(await small.open(a, sealedA)).toEqual(tokens);
      expect(await small.open(b, await small.seal(b, tokens, sealedB))).toEqual(tokens);
    }
  });

  it('when the wrapper or an error is inspected, then no key or token shows', async () => {
    const wrapper = makeLocalKeyWrapper({ current: key });
    const shown = inspect(wrapper, { depth: 5, showHidden: true });
    expect(shown).not.toContain(key.toString('hex').slice(0, 16));
    expect(shown).not.toContain(key.toString('base64').slice(0, 16));
    const error = await makeVault(wrapper)
      .open(randomUUID(), await vault.seal(randomUUID(), tokens))
      .catch((e: unknown) => e);
    expect(inspect(error, { showHidden: true })).not.toMatch(/secret|ya29|1\/\//);
  });

  it('when a row changes while rotate-keys runs, then the newer wrapped key is kept', async () => {
    const oldKey = randomBytes(32);
    const before = makeVault(makeLocalKeyWrapper({ current: oldKey }));
    const id = randomUUID();
    const sealed = await before.seal(id, tokens);
    const rows = new Map([[id, { wrappedKey: sealed.wrappedKey, keyId: sealed.keyId }]]);
    const store = memoryStore(rows);
    const newKey = randomBytes(32);
    const after = makeVault(makeLocalKeyWrapper({ current: newKey, previous: [oldKey] }));
    const reconnect = await after.seal(id, tokens);
    const raced: WrappedKeyStore = {
      listWrappedKeys: async (afterId, limit) => {
        const listed = await store.listWrappedKeys(afterId, limit);
        // A reconnect writes a new wrapped key between the read and the compare-and-set.
        rows.set(id, { wrappedKey: reconnect.wrappedKey, keyId: reconnect.keyId });
        return listed;
      },
      replaceWrappedKey: store.replaceWrappedKey,
    };
    expect(await rotateKeys(after, raced)).toEqual({ rewrapped: 0, unchanged: 1 });
    expect(rows.get(id)?.wrappedKey.equals(reconnect.wrappedKey)).toBe(true);
  });

  it('when the local key rotates, then rotate-keys rewraps every data key and all stay readable', async () => {
    const oldKey = randomBytes(32);
    const before = makeVault(makeLocalKeyWrapper({ current: oldKey }));
    const rows = new Map<string, { wrappedKey: Buffer; keyId: string; sealed: SealedTokens }>();
    for (let i = 0; i < 250; i++) {
      const id = randomUUID();
      const sealed = await before.seal(id, tokens);
      rows.set(id, { wrappedKey: sealed.wrappedKey, keyId: sealed.keyId, sealed });
    }
    const newKey = randomBytes(32);
    const after = makeVault(makeLocalKeyWrapper({ current: newKey, previous: [oldKey] }));
    const result = await rotateKeys(after, memoryStore(rows));
    expect(result).toEqual({ rewrapped: 250, unchanged: 0 });
    const onlyNew = makeVault(makeLocalKeyWrapper({ current: newKey }));
    for (const [id, row] of rows) {
      expect(
        await onlyNew.open(id, { ...row.sealed, wrappedKey: row.wrappedKey, keyId: row.keyId }),
      ).toEqual(tokens);
    }
    expect(await rotateKeys(after, memoryStore(rows))).toEqual({ rewrapped: 0, unchanged: 250 });
  });
});

describe('the vault with Cloud KMS (the simulator)', () => {
  const keyName = 'projects/sim/locations/global/keyRings/gmail-sync/cryptoKeys/tokens';
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, kmsKeys: [keyName] });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('when tokens are sealed under KMS and the key rotates, then rotate-keys moves them to the new version', async () => {
    const client = makeKmsClient(sim.hostPort);
    try {
      const vault = makeVault(makeKmsKeyWrapper(client, keyName));
      const id = randomUUID();
      const sealed = await vault.seal(id, tokens);
      expect(sealed.keyId).toBe(`${keyName}/cryptoKeyVersions/1`);
      expect(await vault.open(id, sealed)).toEqual(tokens);

      await fetch(`${sim.baseUrl}/__sim/kms/keys/rotate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: keyName }),
      });
      const rows = new Map([[id, { wrappedKey: sealed.wrappedKey, keyId: sealed.keyId, sealed }]]);
      expect(await rotateKeys(vault, memoryStore(rows))).toEqual({ rewrapped: 1, unchanged: 0 });
      const row = rows.get(id);
      expect(row?.keyId).toBe(`${keyName}/cryptoKeyVersions/2`);
      const cold = makeVault(makeKmsKeyWrapper(client, keyName));
      expect(
        await cold.open(id, {
          ...sealed,
          wrappedKey: row?.wrappedKey ?? Buffer.alloc(0),
          keyId: row?.keyId ?? '',
        }),
      ).toEqual(tokens);
    } finally {
      await client.close();
    }
  });

  it('when the key is unknown to KMS, then sealing fails', async () => {
    const client = makeKmsClient(sim.hostPort);
    try {
      const vault = makeVault(
        makeKmsKeyWrapper(client, 'projects/sim/locations/global/keyRings/x/cryptoKeys/missing'),
      );
      await expect(vault.seal(randomUUID(), tokens)).rejects.toThrow();
    } finally {
      await client.close();
    }
  });
});

function flip(buffer: Buffer, at: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[at % copy.length] = (copy[at % copy.length] ?? 0) ^ 0xff;
  return copy;
}

function memoryStore(rows: Map<string, { wrappedKey: Buffer; keyId: string }>): WrappedKeyStore {
  return {
    async listWrappedKeys(afterId, limit) {
      return [...rows.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .filter(([id]) => afterId === null || id > afterId)
        .slice(0, limit)
        .map(([id, r]) => ({ id, wrappedKey: r.wrappedKey, keyId: r.keyId }));
    },
    async replaceWrappedKey(id, old, next) {
      const row = rows.get(id);
      if (!row?.wrappedKey.equals(old.wrappedKey)) return false;
      row.wrappedKey = next.wrappedKey;
      row.keyId = next.keyId;
      return true;
    },
  };
}
