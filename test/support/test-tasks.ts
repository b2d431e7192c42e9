// Tasks only tests run: `ping` proves the enqueue → worker path and gives a job that is in flight
// for as long as a test needs (it records its run as a `worker.ping` row in the test database).
import type { TaskList } from 'graphile-worker';
import { z } from 'zod';
import type { Database } from '../../src/db/database.ts';

const pingPayload = z.object({
  note: z.string().max(200),
  delay_ms: z.number().int().min(0).max(10_000).default(0),
});

export function testTasks(database: Pick<Database, 'pool'>): TaskList {
  return {
    ping: async (payload, helpers) => {
      const { note, delay_ms } = pingPayload.parse(payload);
      if (delay_ms > 0) await new Promise((resolve) => setTimeout(resolve, delay_ms));
      await database.pool.query(
        `insert into events (org_id, type, payload) values ('system', 'worker.ping', $1)`,
        [{ note, job_id: helpers.job.id }],
      );
    },
  };
}
