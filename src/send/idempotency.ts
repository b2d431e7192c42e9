// Idempotency-Key: the first request under a key runs; a repeat with the same body gets the first
// answer without running again; another body under the same key is 422; a repeat while the first
// is still running is 409. The key row is claimed by a primary-key insert, so concurrent
// duplicates cannot both run.

import { AppError, isAppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { and, eq, sql } from '../db/orm.ts';
import { idempotencyKeys } from '../db/schema.ts';

export interface IdempotencyScope {
  orgId: string;
  userId: string;
  key: string;
  requestHash: string;
}

export interface Answer {
  status: number;
  body: unknown;
}

export async function withIdempotency(
  db: Db,
  scope: IdempotencyScope,
  run: () => Promise<Answer>,
): Promise<Answer> {
  const where = and(
    eq(idempotencyKeys.orgId, scope.orgId),
    eq(idempotencyKeys.userId, scope.userId),
    eq(idempotencyKeys.key, scope.key),
  );
  const claimed = await db
    .insert(idempotencyKeys)
    .values({
      orgId: scope.orgId,
      userId: scope.userId,
      key: scope.key,
      requestHash: scope.requestHash,
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length === 0) return replay(db, scope, where);

  let answer: Answer;
  try {
    answer = await run();
  } catch (error) {
    // Only an outcome Gmail may have acted on is remembered; any other failure proves nothing was
    // sent, so the key is released and the same request can simply be retried.
    if (!isAppError(error) || error.details?.outcome_unknown !== true) {
      await db.delete(idempotencyKeys).where(where);
      throw error;
    }
    answer = {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...error.details } },
    };
  }
  await db
    .update(idempotencyKeys)
    .set({
      state: 'done',
      responseStatus: answer.status,
      responseBody: answer.body,
      updatedAt: sql`now()`,
    })
    .where(where);
  return answer;
}

/**
 * A send answered 202 (its outcome unknown) gets the answer its resolution found
 * (resolve-send.ts), in the transaction that tells the CRM: a repeat under the key replays it.
 */
export async function settleStoredAnswer(
  tx: Pick<Db, 'update'>,
  scope: Omit<IdempotencyScope, 'requestHash'>,
  answer: Answer,
): Promise<void> {
  await tx
    .update(idempotencyKeys)
    .set({ responseStatus: answer.status, responseBody: answer.body, updatedAt: sql`now()` })
    .where(
      and(
        eq(idempotencyKeys.orgId, scope.orgId),
        eq(idempotencyKeys.userId, scope.userId),
        eq(idempotencyKeys.key, scope.key),
        eq(idempotencyKeys.responseStatus, 202),
      ),
    );
}

async function replay(
  db: Db,
  scope: IdempotencyScope,
  where: ReturnType<typeof and>,
): Promise<Answer> {
  const [row] = await db.select().from(idempotencyKeys).where(where);
  if (!row) throw new AppError('request_in_flight', 'retry the request');
  if (row.requestHash !== scope.requestHash) {
    throw new AppError(
      'idempotency_key_reused',
      'this Idempotency-Key was used with another request body',
    );
  }
  if (row.state !== 'done' || row.responseStatus === null) {
    throw new AppError(
      'request_in_flight',
      'a request with this Idempotency-Key is still in progress',
    );
  }
  return { status: row.responseStatus, body: row.responseBody };
}
