// drizzle-orm, loaded through its CommonJS build: every runtime import of drizzle goes through here.
// Why: Node 24's ESM loader re-reads the package's exports map for each module it resolves inside
// a package, and drizzle-orm's is a 179 kB JSON string parsed afresh for each of its ~100 modules.
// Measured on Node 24.21: importing drizzle-orm/node-postgres as ESM takes 1.6 s and leaves peak
// RSS at ~300 MB; through require() it takes 0.2 s and ~70 MB. Types still come from `import type`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const core = require('drizzle-orm') as typeof import('drizzle-orm');
export const { and, asc, desc, eq, gt, inArray, isNotNull, ne, sql } = core;

export const pgCore = require('drizzle-orm/pg-core') as typeof import('drizzle-orm/pg-core');

export const { drizzle } =
  require('drizzle-orm/node-postgres') as typeof import('drizzle-orm/node-postgres');

export const { migrate } =
  require('drizzle-orm/node-postgres/migrator') as typeof import('drizzle-orm/node-postgres/migrator');

export const { readMigrationFiles } =
  require('drizzle-orm/migrator') as typeof import('drizzle-orm/migrator');
