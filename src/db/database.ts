// The connection pool and the drizzle handle built on it; one per process, passed down in deps.
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as auditSchema from './audit-schema.ts';
import * as correspondentsSchema from './correspondents-schema.ts';
import * as inFlightSchema from './in-flight-schema.ts';
import { drizzle } from './orm.ts';
import * as reconcileSchema from './reconcile-schema.ts';
import * as coreSchema from './schema.ts';
import { makeSessionLocks, type SessionLocks } from './session-locks.ts';

// Every table module (drizzle-kit reads the same files: src/db/*schema.ts).
const schema = {
  ...coreSchema,
  ...reconcileSchema,
  ...auditSchema,
  ...inFlightSchema,
  ...correspondentsSchema,
};

export type Db = NodePgDatabase<typeof schema>;

export interface Database {
  pool: pg.Pool;
  db: Db;
  /** Locks held across transactions (one sync per mailbox at a time), on their own connection. */
  locks: SessionLocks;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  max?: number;
  /** Told of errors on idle connections (a database restart); the pool replaces them itself. */
  onError?: (error: Error) => void;
}

export function openDatabase(url: string, opts: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    // Fail fast when the server is gone, so the push endpoint can answer 503 and Pub/Sub retries.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its server (a database restart) must not crash the process: the pool
  // reports it and connects anew on the next query. A client in use fails its query instead, so
  // its own error event needs only a listener.
  pool.on('error', opts.onError ?? (() => {}));
  pool.on('connect', (client) => client.on('error', () => {}));
  const locks = makeSessionLocks({ connectionString: url, connectionTimeoutMillis: 5_000 });
  return {
    pool,
    db: drizzle(pool, { schema }),
    locks,
    close: async () => {
      await locks.close();
      await pool.end();
    },
  };
}
