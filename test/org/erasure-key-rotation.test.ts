// `rotate-keys` for the orgs' erasure keys (src/org/erasure-key-rotation.ts; its statement is
// src/org/erasure-keys.ts's) against real PostgreSQL: an org's key rewrapped once under the new
// local key hashes an address as before, and a rewrap that lost the race to another changes nothing.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateErasureKeys } from '../../src/org/erasure-key-rotation.ts';
import { makeErasureHashing, replaceErasureKey } from '../../src/org/erasure-keys.ts';
import { makeLocalKeyWrapper } from '../../src/vault/local-key-wrapper.ts';
import { makeVault } from '../../src/vault/vault.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe("rotating the orgs' erasure keys", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it("when the local key rotates, then the org's key is rewrapped once and hashes as before", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = makeVault(makeLocalKeyWrapper({ current: oldKey }));
    const hashing = makeErasureHashing({ db: database.db, vault: before });
    const hashBefore = await hashing.hasherFor('org-rotated', { create: true });
    const after = makeVault(makeLocalKeyWrapper({ current: newKey, previous: [oldKey] }));
    expect(await rotateErasureKeys(database.db, after)).toEqual({ rewrapped: 1, unchanged: 0 });
    const onlyNew = makeVault(makeLocalKeyWrapper({ current: newKey }));
    const hashAfter = await makeErasureHashing({ db: database.db, vault: onlyNew }).hasherFor(
      'org-rotated',
    );
    expect(hashAfter?.('ana@person.test')).toBe(hashBefore?.('ana@person.test'));
    expect(await rotateErasureKeys(database.db, after)).toEqual({ rewrapped: 0, unchanged: 1 });
  });

  it('when the wrapped key changed since it was read, then the rewrap changes nothing', async () => {
    const vault = makeVault(makeLocalKeyWrapper({ current: randomBytes(32) }));
    await makeErasureHashing({ db: database.db, vault }).hasherFor('org-raced', { create: true });
    const { rows } = await database.pool.query<{ wrapped_key: Buffer; key_id: string }>(
      `select wrapped_key, key_id from erasure_keys where org_id = 'org-raced'`,
    );
    const read = { wrappedKey: rows[0]?.wrapped_key as Buffer, keyId: rows[0]?.key_id as string };
    const next = { wrappedKey: randomBytes(40), keyId: 'local:next' };
    const stale = { wrappedKey: randomBytes(40), keyId: read.keyId };
    expect(await replaceErasureKey(database.db, 'org-raced', stale, next)).toBe(false);
    expect(await replaceErasureKey(database.db, 'org-raced', read, next)).toBe(true);
    const { rows: now } = await database.pool.query<{ key_id: string }>(
      `select key_id from erasure_keys where org_id = 'org-raced'`,
    );
    expect(now[0]?.key_id).toBe('local:next');
  });
});
