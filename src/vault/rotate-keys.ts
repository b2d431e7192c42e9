// Rewrapping every data key under the current wrapping key, in batches, resumable and online: the
// store replaces a wrapped key only if it is still the one read (compare-and-set).
import type { Vault } from './vault.ts';

export interface WrappedKeyStore {
  listWrappedKeys(
    afterId: string | null,
    limit: number,
  ): Promise<{ id: string; wrappedKey: Buffer; keyId: string }[]>;
  replaceWrappedKey(
    id: string,
    old: { wrappedKey: Buffer; keyId: string },
    next: { wrappedKey: Buffer; keyId: string },
  ): Promise<boolean>;
}

export async function rotateKeys(
  vault: Vault,
  store: WrappedKeyStore,
  onProgress?: (done: number) => void,
): Promise<{ rewrapped: number; unchanged: number }> {
  let after: string | null = null;
  let rewrapped = 0;
  let unchanged = 0;
  for (;;) {
    const batch = await store.listWrappedKeys(after, 100);
    if (batch.length === 0) break;
    for (const row of batch) {
      const next = await vault.rewrap(row);
      if (next && (await store.replaceWrappedKey(row.id, row, next))) rewrapped += 1;
      else unchanged += 1;
    }
    after = batch.at(-1)?.id ?? null;
    onProgress?.(rewrapped);
  }
  return { rewrapped, unchanged };
}
