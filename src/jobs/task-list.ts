// Every task the worker runs, by name. Tasks are thin: parse the payload, call one use case.
import type { TaskList } from 'graphile-worker';
import { z } from 'zod';
import type { Deps } from '../deps.ts';

const pingPayload = z.object({
  note: z.string().max(200),
  delay_ms: z.number().int().min(0).max(10_000).default(0),
});

export function makeTaskList(deps: Deps): TaskList {
  return {
    /** Proves the enqueue → worker path: records that a worker ran it. */
    ping: async (payload, helpers) => {
      const { note, delay_ms } = pingPayload.parse(payload);
      if (delay_ms > 0) await new Promise((resolve) => setTimeout(resolve, delay_ms));
      await deps.database.pool.query(
        `insert into events (org_id, type, payload) values ('system', 'worker.ping', $1)`,
        [{ note, job_id: helpers.job.id }],
      );
    },
  };
}
