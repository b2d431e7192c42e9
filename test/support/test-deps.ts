// The same deps object main.ts builds, against a test database, with logs captured in memory.
import { Writable } from 'node:stream';
import { buildDeps } from '../../src/build-deps.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import type { Deps } from '../../src/deps.ts';
import { createLogger } from '../../src/logger.ts';
import { testTimings } from './test-timings.ts';

export interface CapturedLogs {
  lines: string[];
  text(): string;
}

export function captureLogs(): { stream: Writable; logs: CapturedLogs } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { stream, logs: { lines, text: () => lines.join('') } };
}

export function makeTestDeps(
  database: Database,
  env: Record<string, string> = {},
): Deps & { logs: CapturedLogs } {
  const { stream, logs } = captureLogs();
  const loaded = loadConfig({
    LOG_LEVEL: 'debug',
    // The simulator's search has no lag unless a test gives it one: search for new mail at once.
    MATCH_SEARCH_DELAY_MS: '200',
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    ...env,
  });
  const config = { ...loaded, timings: testTimings };
  const log = createLogger({ level: 'debug' }, stream);
  return { ...buildDeps(config, database, log), logs };
}
