// Token life, in one place: an authorised Gmail client per mailbox. Access tokens refresh ahead of
// expiry (google-auth-library refreshes within 5 minutes of it, and de-duplicates concurrent
// refreshes on one client, so jobs sharing the cached client never stampede); refreshed tokens
// are sealed and persisted; a mailbox without usable tokens is an AppError, never a crash.
// A mailbox connected through a Workspace's domain-wide delegation has no tokens of its own and
// no refresh token: its client mints a token as the user when the last one nears its end
// (google/delegated-tokens.ts), and the cached client holds it until then.

import type { Credentials, OAuth2Client } from 'google-auth-library';
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import {
  type Gmail,
  type GoogleConfig,
  googleEndpoints,
  makeGmail,
  makeOAuthClient,
} from '../google/clients.ts';
import { type Delegation, delegatedClient } from '../google/delegated-tokens.ts';
import { type GmailBatch, makeGmailBatch } from '../google/gmail-batch.ts';
import type { Logger } from '../logger.ts';
import type { OAuthTokens, Vault } from '../vault/vault.ts';
import { type Mailbox, storeRefreshedTokens } from './mailbox-store.ts';

export interface MailboxAccess {
  gmail: Gmail;
  /** Gmail's batch endpoint, for fetching many messages in one request. */
  batch: GmailBatch;
  auth: OAuth2Client;
  /** The grant's tokens; null for a delegated mailbox (nothing of its own to revoke). */
  tokens: OAuthTokens | null;
}

export interface MailboxAuth {
  /** The cached, authorised client for this mailbox's current grant. */
  accessFor(mailbox: Mailbox): Promise<MailboxAccess>;
  /** Drops the cached client (after disconnect or revocation). */
  forget(mailboxId: string): void;
}

interface Entry {
  generation: string;
  access: Promise<MailboxAccess>;
  lastUsed: number;
}

/** Authorised clients kept per process (least recently used dropped first). */
const MAX_CACHED = 1_000;

export function makeMailboxAuth(deps: {
  db: Db;
  vault: Vault;
  google: GoogleConfig;
  log: Logger;
  delegation?: Delegation | undefined;
}): MailboxAuth {
  const cache = new Map<string, Entry>();

  const withClient = (auth: OAuth2Client, tokens: OAuthTokens | null): MailboxAccess => ({
    gmail: makeGmail(deps.google, auth),
    batch: makeGmailBatch(auth, googleEndpoints(deps.google.emulatorHost).gmailRoot),
    auth,
    tokens,
  });

  async function build(mailbox: Mailbox): Promise<MailboxAccess> {
    if (mailbox.connectedVia === 'workspace') {
      if (!deps.delegation) {
        throw new AppError('delegation_unconfigured', 'GOOGLE_DELEGATION_SERVICE_ACCOUNT is unset');
      }
      return withClient(
        delegatedClient(deps.google, deps.delegation, mailbox.email, mailbox.scopes),
        null,
      );
    }
    if (!mailbox.sealedTokens || !mailbox.wrappedKey || !mailbox.keyId) {
      throw new AppError('mailbox_not_connected', 'the mailbox has no tokens');
    }
    const sealed = {
      ciphertext: mailbox.sealedTokens,
      wrappedKey: mailbox.wrappedKey,
      keyId: mailbox.keyId,
    };
    const tokens = await deps.vault.open(mailbox.id, sealed);
    const auth = makeOAuthClient(deps.google);
    auth.setCredentials(toCredentials(tokens));
    auth.on('tokens', (fresh: Credentials) => {
      void persistRefresh(mailbox, sealed, tokens, fresh).catch((err: unknown) =>
        deps.log.warn({ err, mailbox_id: mailbox.id }, 'could not persist refreshed token'),
      );
    });
    return withClient(auth, tokens);
  }

  /** Seals the refreshed access token under the mailbox's existing data key (no KMS call). */
  async function persistRefresh(
    mailbox: Mailbox,
    sealed: { wrappedKey: Buffer; keyId: string },
    tokens: OAuthTokens,
    fresh: Credentials,
  ): Promise<void> {
    tokens.accessToken = fresh.access_token ?? tokens.accessToken;
    tokens.expiryDate = fresh.expiry_date ?? tokens.expiryDate;
    if (fresh.refresh_token) tokens.refreshToken = fresh.refresh_token;
    const next = await deps.vault.seal(mailbox.id, tokens, sealed);
    await storeRefreshedTokens(deps.db, mailbox.id, next.ciphertext, sealed.wrappedKey);
  }

  function evictIfFull(): void {
    if (cache.size < MAX_CACHED) return;
    const oldest = [...cache.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [id] of oldest.slice(0, Math.ceil(MAX_CACHED / 10))) cache.delete(id);
  }

  return {
    accessFor(mailbox) {
      // A reconnect writes a new data key: the cached client of the old grant is not reused.
      const generation = `${mailbox.connectedAt.getTime()}:${mailbox.keyId}:${mailbox.wrappedKey?.toString('base64')}`;
      const hit = cache.get(mailbox.id);
      if (hit && hit.generation === generation) {
        hit.lastUsed = Date.now();
        return hit.access;
      }
      evictIfFull();
      const access = build(mailbox);
      const entry = { generation, access, lastUsed: Date.now() };
      cache.set(mailbox.id, entry);
      access.catch(() => {
        if (cache.get(mailbox.id) === entry) cache.delete(mailbox.id);
      });
      return access;
    },
    forget(mailboxId) {
      cache.delete(mailboxId);
    },
  };
}

function toCredentials(tokens: OAuthTokens): Credentials {
  return {
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
    expiry_date: tokens.expiryDate,
    scope: tokens.scope,
    token_type: 'Bearer',
  };
}
