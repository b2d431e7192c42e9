// The configuration's one table (src/config-keys.ts) against what the documentation says: the
// README's table is rendered from it, and every variable the docs name exists.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { configKeys, configTableMarkdown } from '../src/config-keys.ts';

const ROOT = join(import.meta.dirname, '..');
const README = join(ROOT, 'README.md');
const START =
  '<!-- config-keys: rendered from src/config-keys.ts; UPDATE_CONFIG_TABLE=1 rewrites it -->';
const END = '<!-- /config-keys -->';

function readmeTable(): { text: string; table: string } {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  expect(start, `README.md holds the markers ${START} … ${END}`).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  return { text, table: text.slice(start + START.length, end).trim() };
}

/** Names that look like variables in the docs' code spans: `SYNC_RETRO_DAYS`, `X_Y=1 npm run`. */
function documentedNames(): Map<string, string> {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => join('docs', f))];
  const names = new Map<string, string>();
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    // In a fenced block, what is assigned (`NAME=value npm run …`); in prose, every code span.
    const fences = [...text.matchAll(/```[\s\S]*?```/g)].map(([block]) => block);
    for (const block of fences) {
      for (const [, name] of block.matchAll(/\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)=/g))
        names.set(name as string, file);
    }
    const prose = text.replace(/```[\s\S]*?```/g, '');
    for (const [, span] of prose.matchAll(/`([^`]+)`/g)) {
      for (const [name] of (span ?? '').matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g))
        names.set(name, file);
    }
  }
  return names;
}

/** What else a doc may name in capitals: variables the benchmarks, the simulator and the tests read
 * for themselves (process.env.X), and the code's own constants (`const STAMP_PUSHES_SQL`). */
function otherNames(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string, patterns: RegExp[]) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, patterns);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(join(ROOT, path), 'utf8');
        for (const pattern of patterns)
          for (const [, name] of text.matchAll(pattern)) found.add(name as string);
      }
    }
  };
  const envRead = [
    /process\.env\.([A-Z][A-Z0-9_]*)/g,
    /process\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g,
  ];
  for (const dir of ['bench', 'sim', 'test', 'demo']) walk(dir, envRead);
  walk('src', [/\bconst ([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/g]);
  return found;
}

describe('the configuration keys', () => {
  it("when the README's configuration table is read, then it is the one rendered from the keys", () => {
    const { text, table } = readmeTable();
    const rendered = configTableMarkdown();
    if (process.env.UPDATE_CONFIG_TABLE === '1' && table !== rendered) {
      const start = text.indexOf(START) + START.length;
      writeFileSync(
        README,
        `${text.slice(0, start)}\n${rendered}\n${text.slice(text.indexOf(END))}`,
      );
      return;
    }
    expect(table).toBe(rendered);
  });

  it('when the docs name a variable, then it is a configuration key or one a tool reads', () => {
    const tools = otherNames();
    // Node's own (operations.md: memory of the worker).
    const node = new Set(['NODE_OPTIONS']);
    const unknown = [...documentedNames()]
      .filter(([name]) => !(name in configKeys) && !tools.has(name) && !node.has(name))
      .map(([name, file]) => `${name} (${file})`);
    expect(unknown).toEqual([]);
  });

  it('when a key has a fixed default, then unset and empty both parse to it', () => {
    const unset = loadConfig({});
    const empty = loadConfig(Object.fromEntries(Object.keys(configKeys).map((k) => [k, ''])));
    expect(empty).toEqual(unset);
    expect(unset.sync.searchFirst).toEqual({
      delayMs: 3_000,
      settleMs: 600_000,
      fullCrmQueries: 1,
    });
    expect(unset.crm.maxLifetimeS).toBe(86_400);
  });

  it('when a key is documented, then its doc sentence and default are written out', () => {
    for (const [name, key] of Object.entries(configKeys)) {
      expect(key.doc.length, name).toBeGreaterThan(8);
      expect(key.default.length, name).toBeGreaterThan(2);
      expect(key.doc, name).not.toContain('|');
      expect(key.default, name).not.toContain('|');
    }
  });
});
