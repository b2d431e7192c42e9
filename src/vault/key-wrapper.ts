// Wraps and unwraps the per-mailbox data keys: Cloud KMS in production, a local key in development.
export interface KeyWrapper {
  /** Id of the key (and version) new data keys are wrapped under. */
  currentKeyId(): Promise<string>;
  wrap(dataKey: Buffer): Promise<{ wrappedKey: Buffer; keyId: string }>;
  unwrap(wrappedKey: Buffer, keyId: string): Promise<Buffer>;
}

/** Raised for anything that cannot be opened; it never carries key or token bytes. */
export class VaultError extends Error {
  override name = 'VaultError';
  readonly code = 'vault_unreadable';
}
