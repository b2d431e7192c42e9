// The SQL convention of docs/architecture.md ("Data"), kept true: jobs are added only through
// src/queue/ (graphile_worker.add_job / add_jobs named nowhere else in src/; the database triggers'
// migration is SQL, not src/), and an array reaches a statement only through db/sql-arrays.ts
// (no '{a,b}' literal built in code, no interpolation cast to an array by hand).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** `file:line` of every line of src/ (outside `allowed`) that matches `pattern`. */
function linesMatching(pattern: RegExp, allowed: (file: string) => boolean): string[] {
  return sourceFiles(SRC).flatMap((file) => {
    const name = path.relative(SRC, file);
    if (allowed(name)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${name}:${i + 1}`] : []));
  });
}

const ADD_JOB = /add_jobs?\b/;
// `{${…}` builds an array literal in a template; `${…}::text[]` casts an interpolation by hand.
const HAND_BUILT_ARRAY = /`\{\$\{|\$\{[^`]*\}::(?:text|uuid|bigint|int|integer|float8)\[\]/;

describe('the SQL convention in src/', () => {
  it('when src/ is read, then only src/queue/ adds jobs', () => {
    expect(linesMatching(ADD_JOB, (f) => f.startsWith(`queue${path.sep}`))).toEqual([]);
    expect(linesMatching(ADD_JOB, () => false).length).toBeGreaterThan(0);
  });

  it('when src/ is read, then every array parameter goes through db/sql-arrays.ts', () => {
    expect(linesMatching(HAND_BUILT_ARRAY, (f) => f === path.join('db', 'sql-arrays.ts'))).toEqual(
      [],
    );
  });

  it('when a line adds a job or builds an array by hand, then the patterns catch it', () => {
    expect(ADD_JOB.test('select graphile_worker.add_jobs(array(')).toBe(true);
    expect(ADD_JOB.test('select id from graphile_worker.add_job(')).toBe(true);
    expect(ADD_JOB.test('await addJob(db, TASK.sync, {})')).toBe(false);
    // Lines of code as text: `$` is kept apart so the strings are not templates themselves.
    const $ = '$';
    expect(HAND_BUILT_ARRAY.test(`const list = \`{${$}{ids.join(',')}}\`;`)).toBe(true);
    expect(HAND_BUILT_ARRAY.test(`where id = any(${$}{list}::uuid[])`)).toBe(true);
    expect(HAND_BUILT_ARRAY.test(`where id = any(${$}{sqlArray(ids, 'uuid')})`)).toBe(false);
    expect(HAND_BUILT_ARRAY.test('from unnest($1::text[])')).toBe(false);
  });
});
