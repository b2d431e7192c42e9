// Once per test run: a PostgreSQL server (DATABASE_URL's, or an embedded one started here) and a
// template database migrated once, which every test file clones for a fresh, isolated database.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { databaseUrlFor } from './database-url.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    serverUrl: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const releases: (() => Promise<void>)[] = [];
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), 'gmail-sync-test-pg-'));
    const server = await startEmbeddedPostgres({ dir, durable: false, maxConnections: 200 });
    releases.push(async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    });
    serverUrl = server.url;
  }
  const template = `gs_template_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  // A server restart in a test (or the chaos of a busy machine) must not end the whole run.
  admin.on('error', () => {});
  await admin.connect();
  await admin.query(`create database ${template}`);
  await migrateDatabase(databaseUrlFor(serverUrl, template));
  releases.push(async () => {
    await admin.query(`drop database if exists ${template} with (force)`);
    await admin.end();
  });

  project.provide('serverUrl', serverUrl);
  project.provide('templateDatabase', template);
  return async () => {
    for (const release of releases.reverse()) await release();
  };
}
