// Named locks that outlive a transaction: PostgreSQL session advisory locks, all held on one
// connection this process opens for the purpose (on first use). PostgreSQL releases a session's
// locks when the session ends, so a process that dies frees what it held at once; if the
// connection is lost, its locks are gone with it and the next lock opens a new one. Locks asked
// for (or released) in the same turn of the event loop go in one statement.
import DataLoader from 'dataloader';
import pg from 'pg';

/** Namespace of these locks (two-key form): apart from the worker liveness locks (4712). */
const LOCK_CLASS = 4713;
const MAX_BATCH = 500;

export interface SessionLocks {
  /** Takes the lock named `name` if nobody (in any process) holds it; returns its release. */
  tryLock(name: string): Promise<(() => Promise<void>) | undefined>;
  close(): Promise<void>;
}

interface Session {
  client: pg.Client;
  ready: Promise<void>;
  alive: boolean;
}

export function makeSessionLocks(connection: pg.ClientConfig): SessionLocks {
  let session: Session | undefined;
  /** Held by this process: the lock is re-entrant within a session, so this is checked first. */
  const held = new Set<string>();
  let closed = false;

  const open = (): Session => {
    if (session?.alive) return session;
    const client = new pg.Client(connection);
    const opened: Session = {
      client,
      ready: client.connect().then(() => undefined),
      alive: true,
    };
    const lost = () => {
      opened.alive = false;
    };
    client.on('error', lost);
    client.on('end', lost);
    opened.ready.catch(lost);
    session = opened;
    return opened;
  };

  const locking = new DataLoader<string, { locked: boolean; on: Session }>(
    async (names) => {
      const take = async (on: Session) => {
        await on.ready;
        const { rows } = await on.client.query<{ locked: boolean }>(
          `select pg_try_advisory_lock($1, hashtext(name)) as locked
             from unnest($2::text[]) with ordinality as t(name, n) order by n`,
          [LOCK_CLASS, names],
        );
        return names.map((_, i) => ({ locked: rows[i]?.locked === true, on }));
      };
      const first = open();
      try {
        return await take(first);
      } catch {
        // The session may have died unnoticed (a database restart): once more on a new one.
        first.alive = false;
        first.client.end().catch(() => undefined);
        return take(open());
      }
    },
    { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );

  const unlocking = new DataLoader<{ name: string; on: Session }, void>(
    async (locks) => {
      // A lost session has already released its locks.
      const live = locks.filter((l) => l.on.alive);
      for (const on of new Set(live.map((l) => l.on))) {
        const names = live.filter((l) => l.on === on).map((l) => l.name);
        await on.client
          .query('select pg_advisory_unlock($1, hashtext(name)) from unnest($2::text[]) as name', [
            LOCK_CLASS,
            names,
          ])
          .catch(() => undefined);
      }
      return locks.map(() => undefined);
    },
    { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );

  return {
    async tryLock(name) {
      if (closed) throw new Error('session locks are closed');
      if (held.has(name)) return undefined;
      held.add(name);
      try {
        const { locked, on } = await locking.load(name);
        if (!locked) {
          held.delete(name);
          return undefined;
        }
        return async () => {
          held.delete(name);
          await unlocking.load({ name, on });
        };
      } catch (error) {
        held.delete(name);
        throw error;
      }
    },
    async close() {
      closed = true;
      const current = session;
      session = undefined;
      if (current?.alive) await current.client.end().catch(() => undefined);
    },
  };
}
