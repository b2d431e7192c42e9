import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addJob } from '../src/queue/enqueue.ts';
import { startService } from './support/service-process.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';
import { waitFor } from './support/wait-for.ts';

/** Real-looking Google settings that keep the in-process simulator out of these tests. */
const googleEnv = {
  GOOGLE_CLIENT_ID: 'test-client',
  GOOGLE_CLIENT_SECRET: 'test-secret',
  GMAIL_PUBSUB_TOPIC: 'projects/sim/topics/gmail',
  GOOGLE_EMULATOR_HOST: '127.0.0.1:9',
  // Real Google credentials require an explicit CRM secret (the development one is refused).
  CRM_JWT_SECRET: 'mT4q9ZkV2wLx7RbN1cYp8HsD3fJg6EuA',
  CRM_APP_URL: 'https://crm.example.test/settings/gmail',
};

describe('the service process', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('when a variable is malformed, then it exits 1 with one line naming it', async () => {
    const service = await startService({
      env: { ...googleEnv, DATABASE_URL: database.url, GMAIL_QUOTA_PROFILE: '1999' },
      waitReady: false,
    });
    expect(await service.exited).toBe(1);
    expect(service.output().trim().split('\n')).toEqual([
      expect.stringMatching(/^gmail-sync: invalid GMAIL_QUOTA_PROFILE/),
    ]);
  });

  it('when SIGTERM arrives during a job, then the job finishes, and the process exits 0', async () => {
    const service = await startService({
      env: { ...googleEnv, DATABASE_URL: database.url },
      entry: 'test/support/service-main.ts',
    });
    await addJob(database.db, 'ping', { note: 'in flight', delay_ms: 1_500 });
    await waitFor(async () => {
      const { rows } = await database.pool.query(
        `select 1 from graphile_worker.jobs where task_identifier = 'ping' and locked_at is not null`,
      );
      return rows.length > 0;
    });
    expect(await service.stop('SIGTERM')).toBe(0);
    const { rows } = await database.pool.query(
      `select payload->>'note' as note from events where type = 'worker.ping'`,
    );
    expect(rows).toEqual([{ note: 'in flight' }]);
    expect(service.output()).toContain('"msg":"stopped"');
  });
});
