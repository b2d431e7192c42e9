// The one-way rule of docs/architecture.md, kept true: no ring of imports between the files of
// src/, nor between its folders (a root file such as config.ts is imported from anywhere and is
// left out of the folder graph). Type-only imports count: they tie the files as much.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

function importGraph(): Map<string, Set<string>> {
  const files = sourceFiles(SRC);
  const known = new Set(files);
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = path.resolve(path.dirname(file), m[1] ?? '');
      if (known.has(target)) targets.add(path.relative(SRC, target));
    }
    graph.set(path.relative(SRC, file), targets);
  }
  return graph;
}

function folderGraph(files: Map<string, Set<string>>): Map<string, Set<string>> {
  const folder = (f: string) => (f.includes(path.sep) ? f.split(path.sep)[0] : undefined);
  const graph = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = folder(file);
    if (!from) continue;
    for (const target of targets) {
      const to = folder(target);
      if (!to || to === from) continue;
      graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

/** Every ring, as the path that closes it (a → b → a); depth-first, each node left once. */
function rings(graph: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (node: string) => {
    if (done.has(node)) return;
    const at = onPath.indexOf(node);
    if (at >= 0) {
      found.push([...onPath.slice(at), node].join(' → '));
      return;
    }
    onPath.push(node);
    for (const next of graph.get(node) ?? []) visit(next);
    onPath.pop();
    done.add(node);
  };
  for (const node of graph.keys()) visit(node);
  return found;
}

describe('imports in src/', () => {
  it('when the files of src/ are read, then no file imports itself through others', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect(rings(graph)).toEqual([]);
  });

  it('when the folders of src/ are read, then no folder imports itself through others', () => {
    const graph = folderGraph(importGraph());
    expect(graph.get('sync')?.has('activity-store')).toBe(true);
    expect(rings(graph)).toEqual([]);
  });

  it('when two files or folders import each other, then the ring is named', () => {
    const ring = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(rings(ring)).toEqual(['a → b → c → a']);
    expect(rings(new Map([['a', new Set(['b'])]]))).toEqual([]);
  });
});
