// Single-use OAuth `state` values bound to the CRM user who asked to connect, with the PKCE
// verifier kept server-side. Only a hash of the state is stored: a database read cannot forge one.
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { eq, sql } from '../db/orm.ts';
import { oauthStates } from '../db/schema.ts';
import { checkFinisher, type StateStarter } from './consent-checks.ts';

export const STATE_LIFETIME_MS = 10 * 60 * 1000;

export interface StateOwner {
  orgId: string;
  userId: string;
  userName: string | undefined;
  loginHint: string | undefined;
}

export interface IssuedState {
  state: string;
  codeChallenge: string;
}

export type ConsumedState = typeof oauthStates.$inferSelect;

const hash = (value: string) => createHash('sha256').update(value).digest('base64url');

export async function issueState(db: Db, owner: StateOwner): Promise<IssuedState> {
  const state = randomBytes(32).toString('base64url');
  const codeVerifier = randomBytes(48).toString('base64url');
  await db.insert(oauthStates).values({
    stateHash: hash(state),
    orgId: owner.orgId,
    userId: owner.userId,
    userName: owner.userName ?? null,
    loginHint: owner.loginHint ?? null,
    codeVerifier,
    expiresAt: new Date(Date.now() + STATE_LIFETIME_MS),
  });
  // Old states are useless; sweep them as we go so the table stays small.
  await db.delete(oauthStates).where(sql`${oauthStates.expiresAt} < now() - interval '1 day'`);
  return { state, codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url') };
}

/** Keeps a user's `keep` newest live OAuth states; older live ones can no longer be used. */
export async function trimLiveStates(
  db: Db,
  orgId: string,
  userId: string,
  keep: number,
): Promise<void> {
  await db.execute(sql`
    delete from oauth_states where state_hash in (
      select state_hash from oauth_states
       where org_id = ${orgId} and user_id = ${userId} and used_at is null and expires_at > now()
       order by created_at desc offset ${keep})`);
}

/**
 * Marks the state used, atomically; a second use, an unknown or an expired state is refused. Who
 * finishes is checked first (issue 27 #10): a leaked code and state tried by another user is
 * refused without using the state up, so its owner can still finish.
 */
export async function consumeState(
  db: Db,
  state: string,
  finisher?: StateStarter,
): Promise<ConsumedState> {
  const stateHash = hash(state);
  const [issued] = await db.select().from(oauthStates).where(eq(oauthStates.stateHash, stateHash));
  if (!issued) throw new AppError('state_invalid', 'the OAuth state is unknown');
  checkFinisher(issued, finisher);
  const used = await db
    .update(oauthStates)
    .set({ usedAt: sql`now()` })
    .where(
      sql`${oauthStates.stateHash} = ${stateHash} and ${oauthStates.usedAt} is null and ${oauthStates.expiresAt} > now()`,
    )
    .returning();
  if (used[0]) return used[0];
  const [existing] = await db
    .select({ usedAt: oauthStates.usedAt })
    .from(oauthStates)
    .where(eq(oauthStates.stateHash, stateHash));
  if (existing?.usedAt) throw new AppError('state_reused', 'the OAuth state was already used');
  throw new AppError('state_expired', 'the OAuth state has expired; connect again');
}
