// Named locks that outlive a transaction: PostgreSQL session advisory locks, all held on one
// connection this process opens for the purpose (on first use). PostgreSQL releases a session's
// locks when the session ends, so a process that dies frees what it held at once; if the
// connection is lost, its locks are gone with it and the next lock opens a new one.
import pg from 'pg';

/** Namespace of these locks (two-key form): apart from the worker liveness locks (4712). */
const LOCK_CLASS = 4713;

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
    const opened: Session = { client, ready: client.connect().then(() => undefined), alive: true };
    const lost = () => {
      opened.alive = false;
    };
    client.on('error', lost);
    client.on('end', lost);
    opened.ready.catch(lost);
    session = opened;
    return opened;
  };

  return {
    async tryLock(name) {
      if (closed) throw new Error('session locks are closed');
      if (held.has(name)) return undefined;
      held.add(name);
      try {
        const current = open();
        await current.ready;
        const { rows } = await current.client.query<{ locked: boolean }>(
          'select pg_try_advisory_lock($1, hashtext($2)) as locked',
          [LOCK_CLASS, name],
        );
        if (!rows[0]?.locked) {
          held.delete(name);
          return undefined;
        }
        return async () => {
          held.delete(name);
          // A lost session has already released the lock.
          if (!current.alive) return;
          await current.client
            .query('select pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, name])
            .catch(() => undefined);
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
