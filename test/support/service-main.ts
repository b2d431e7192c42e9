// `node src/main.ts` for tests that need the service as a real child process running a test task
// (a job in flight during SIGTERM): main.ts's start-up path, with the test tasks added.
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { startService } from '../../src/service.ts';
import { testTasks } from './test-tasks.ts';
import { testTimings } from './test-timings.ts';

// Gmail-shaped delays shortened as in every in-process test (test-timings.ts).
const config = { ...loadConfig(), timings: testTimings };
const log = createLogger({ level: config.logLevel, base: { service: 'gmail-sync', role: 'all' } });
if (!config.databaseUrl) throw new Error('service-main needs DATABASE_URL');
const tasksDb = openDatabase(config.databaseUrl, { max: 2 });
const service = await startService(config, log, { extraTasks: testTasks(tasksDb) });
process.once('SIGTERM', async () => {
  log.info({ signal: 'SIGTERM' }, 'shutting down');
  await service.stop();
  await tasksDb.close();
  log.info('stopped');
  process.exit(0);
});
