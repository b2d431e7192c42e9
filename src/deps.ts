// What main.ts builds once and hands down: factories take this (or a part of it) explicitly.
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';

export interface Deps {
  config: Config;
  log: Logger;
  database: Database;
}
