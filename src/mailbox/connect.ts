// Connecting a Gmail mailbox: the consent URL (offline access, PKCE, single-use state), then the
// callback that exchanges the code, checks who finishes it, the account and the granted scopes,
// stores the tokens sealed, starts the watch and queues the initial sync. A refusal stores nothing
// and revokes the grant just issued.

import { randomUUID } from 'node:crypto';
import { CodeChallengeMethod, type OAuth2Client } from 'google-auth-library';
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { and, eq, ne, sql } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import { EVENT } from '../events/event-types.ts';
import { recordEvent } from '../events/record-events.ts';
import { type GoogleConfig, makeGmail, makeOAuthClient } from '../google/clients.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import type { Vault } from '../vault/vault.ts';
import {
  CALENDAR_SCOPE,
  checkAccount,
  checkGrantedScopes,
  READONLY_SCOPE,
  revokeIssuedGrant,
  SEND_SCOPE,
  type StateStarter,
} from './consent-checks.ts';
import { startFirstSync } from './first-sync.ts';
import { storeConnection } from './mailbox-transitions.ts';
import { consumeState, issueState } from './oauth-states.ts';

/**
 * Least privilege: gmail.readonly reads history and messages and registers the watch;
 * gmail.send sends as the user. Neither can delete or modify mail. Only gmail.readonly is required:
 * without gmail.send the mailbox connects read-only.
 */
export const REQUIRED_SCOPES = [READONLY_SCOPE, SEND_SCOPE];

/** What the consent screen asks: with SYNC_CALENDAR on, the calendar's events too (optional). */
export function askedScopes(google: Pick<GoogleConfig, 'syncCalendar'>): string[] {
  return google.syncCalendar ? [...REQUIRED_SCOPES, CALENDAR_SCOPE] : REQUIRED_SCOPES;
}

export interface ConnectDeps {
  db: Db;
  pacers: PacerRegistry;
  oauth: OAuth2Client;
  vault: Vault;
  google: GoogleConfig;
  log: Logger;
}

export interface ConnectCaller {
  orgId: string;
  userId: string;
  name: string | undefined;
}

export async function beginConnect(
  deps: ConnectDeps,
  caller: ConnectCaller,
  loginHint: string | undefined,
): Promise<string> {
  const { state, codeChallenge } = await issueState(deps.db, {
    orgId: caller.orgId,
    userId: caller.userId,
    userName: caller.name,
    loginHint,
  });
  return deps.oauth.generateAuthUrl({
    access_type: 'offline',
    // Forces a refresh token even when the user consented before.
    prompt: 'consent',
    include_granted_scopes: true,
    scope: askedScopes(deps.google),
    state,
    code_challenge: codeChallenge,
    code_challenge_method: CodeChallengeMethod.S256,
    ...(loginHint ? { login_hint: loginHint } : {}),
  });
}

export interface CallbackInput {
  code?: string | undefined;
  state?: string | undefined;
  error?: string | undefined;
}

export interface ConnectedMailbox {
  email: string;
  mailboxId: string;
  scopes: string[];
}

/**
 * `finisher` is the CRM user completing the connection (the POST under their token); undefined only
 * on the development GET, where the single-use state is the sole credential.
 */
export async function completeConnect(
  deps: ConnectDeps,
  input: CallbackInput,
  finisher?: StateStarter,
): Promise<ConnectedMailbox> {
  if (!input.state) throw new AppError('state_invalid', 'the OAuth state is missing');
  // Google's error leaves the state unused: anyone can put `?error=…&state=S` in a URL.
  if (input.error) {
    const code = input.error === 'access_denied' ? 'access_denied' : 'oauth_error';
    throw new AppError(code, `Google answered ${input.error}: the mailbox was not connected`);
  }
  const owner = await consumeState(deps.db, input.state, finisher);
  if (!input.code) throw new AppError('code_missing', 'the authorization code is missing');

  const exchange = makeOAuthClient(deps.google);
  const { tokens } = await exchange
    .getToken({ code: input.code, codeVerifier: owner.codeVerifier })
    .catch((cause: unknown) => {
      throw new AppError('code_exchange_failed', 'Google refused the authorization code', {
        cause,
      });
    });
  const granted = (tokens.scope ?? '').split(/\s+/).filter(Boolean);
  const gmail = makeGmail(deps.google, exchange);
  let accepted: { email: string; mailboxId: string; historyId: string | null | undefined };
  try {
    checkGrantedScopes(granted);
    if (!tokens.refresh_token || !tokens.access_token) {
      throw new AppError('no_refresh_token', 'Google granted no offline access; connect again');
    }
    exchange.setCredentials(tokens);
    const profile = await gmail.users.getProfile({ userId: 'me' });
    const email = (profile.data.emailAddress ?? '').toLowerCase();
    if (!email) throw new AppError('profile_failed', 'Gmail did not say which address this is');
    checkAccount(owner.loginHint, email);
    const mailboxId = await storeMailbox(deps, owner, email, granted, {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiryDate: tokens.expiry_date ?? null,
      scope: granted.join(' '),
    });
    accepted = { email, mailboxId, historyId: profile.data.historyId };
  } catch (error) {
    // Nothing was stored: the grant must not outlive the refusal.
    await revokeIssuedGrant(exchange, tokens, deps.log);
    throw error;
  }
  const { email, mailboxId } = accepted;
  const { watching } = await startFirstSync(deps, mailboxId, gmail, accepted.historyId, {
    // Meetings: a full listing of the calendar's window, then its push channel (src/calendar/).
    calendar: deps.google.syncCalendar && granted.includes(CALENDAR_SCOPE),
  });
  const readOnly = !granted.includes(SEND_SCOPE);
  deps.log.info(
    { mailbox_id: mailboxId, watch: watching, read_only: readOnly },
    'mailbox connected',
  );
  return { email, mailboxId, scopes: granted };
}

async function storeMailbox(
  deps: ConnectDeps,
  owner: { orgId: string; userId: string; userName: string | null },
  email: string,
  scopes: string[],
  tokens: Parameters<Vault['seal']>[1],
): Promise<string> {
  return deps.db
    .transaction(async (tx) => {
      // Two completions for one address at once: the second waits here, then sees the first's row
      // (409 address_taken) instead of failing the unique index (a 500).
      await tx.execute(
        sql`select pg_advisory_xact_lock(hashtextextended(${`connect:${email}`}, 0))`,
      );
      const holders = await tx
        .select()
        .from(mailboxes)
        .where(
          and(
            ne(mailboxes.status, 'disconnected'),
            sql`(${mailboxes.email} = ${email} or (${mailboxes.orgId} = ${owner.orgId} and ${mailboxes.userId} = ${owner.userId}))`,
          ),
        )
        .for('update');
      // The org's own mailbox of this address (connected through its Workspace) becomes the
      // user's: who connects an address owns it (docs/workspace.md); row, cursor, members stay.
      const delegated = holders.find(
        (m) => m.connectedVia === 'workspace' && m.orgId === owner.orgId && m.email === email,
      );
      const other = holders.find(
        (m) => m !== delegated && (m.orgId !== owner.orgId || m.userId !== owner.userId),
      );
      if (other) {
        throw new AppError('address_taken', `${email} is already connected by another user`);
      }
      const own = holders.find((m) => m !== delegated);
      if (own && own.email !== email) {
        throw new AppError(
          'already_connected',
          `disconnect ${own.email} before connecting another address`,
        );
      }
      const previous = own ?? delegated ?? (await findReusableRow(tx, owner, email));
      const id = previous?.id ?? randomUUID();
      const sealed = await deps.vault.seal(id, tokens);
      const values = {
        scopes,
        sealedTokens: sealed.ciphertext,
        wrappedKey: sealed.wrappedKey,
        keyId: sealed.keyId,
        userId: owner.userId,
        connectedVia: 'user' as const,
        userName: owner.userName,
        lastError: null,
        errorCount: 0,
        pendingRevoke: false,
        connectedAt: new Date(),
        disconnectedAt: null,
        updatedAt: new Date(),
      };
      // Every state may be connected again, and the row is locked: this always writes.
      await storeConnection(tx, 'connected', { id, orgId: owner.orgId, email }, previous, values);
      await recordEvent(tx, {
        orgId: owner.orgId,
        mailboxId: id,
        type: EVENT.mailboxConnected,
        payload: { mailbox_id: id, email, user_id: owner.userId },
      });
      return id;
    })
    .catch((error: unknown) => {
      // The lock covers one address; the same user finishing two addresses at once meets the
      // one-live-mailbox-per-user index instead: a conflict too, never a 500.
      if (sqlStateOf(error) === '23505') {
        throw new AppError('already_connected', 'another connection finished at the same time');
      }
      throw error;
    });
}

function sqlStateOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = e.cause;
  }
  return undefined;
}

/** A user reconnecting the address they had before keeps its row, cursor and activities. */
async function findReusableRow(
  tx: Parameters<Parameters<Db['transaction']>[0]>[0],
  owner: { orgId: string; userId: string },
  email: string,
) {
  const [row] = await tx
    .select()
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.orgId, owner.orgId),
        eq(mailboxes.userId, owner.userId),
        eq(mailboxes.email, email),
      ),
    )
    .limit(1);
  return row;
}
